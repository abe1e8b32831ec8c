// Bad input from the command line: reported one line per problem on stderr, exit code 2. Lines can quote
// what the user typed, and a config can have any number of problems: both are bounded.
import { boundErrorText } from '../../shared/error-text.js';

const MAX_LINES = 50;
const MAX_LINE_CHARS = 2000;

export class InputError extends Error {
  readonly lines: string[];

  constructor(lines: string[]) {
    const shown = lines.slice(0, MAX_LINES).map((line) => boundErrorText(line, MAX_LINE_CHARS));
    if (lines.length > MAX_LINES) shown.push(`... and ${lines.length - MAX_LINES} more problems`);
    super(shown.join('\n'));
    this.name = 'InputError';
    this.lines = shown;
  }
}

export const EXIT = { ok: 0, failure: 1, badInput: 2, interrupted: 130 } as const;
