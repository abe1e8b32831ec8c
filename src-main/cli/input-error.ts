// Bad input from the command line: reported one line per problem on stderr, exit code 2.
export class InputError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'InputError';
  }
}

export const EXIT = { ok: 0, failure: 1, badInput: 2, interrupted: 130 } as const;
