// Error texts come from places nobody bounds: a trainer's exception can quote a 70,000-character path, a
// crashed process's stderr can be megabytes. Every error text is cut here, to one bound, before it is
// stored (a run's error tail, its timeline) or sent (IPC, HTTP, the terminal), so no error path can grow
// into a refusal or a crash of its own. errorMessage is the one way anything thrown becomes such a text.

/**
 * What went wrong, as text, from anything thrown: an Error's message (without its name or stack), else the
 * value as a string. Not bounded here: what is stored or sent goes through boundErrorText too.
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The longest error text kept anywhere: enough for a message and the end of a stack trace. */
export const MAX_ERROR_CHARS = 8000;

/**
 * `text` unchanged when it fits, else its beginning (what failed) and its end (where, or the last lines
 * of a crashed process's output) with a note of how much was cut between them.
 */
export function boundErrorText(text: string, max: number = MAX_ERROR_CHARS): string {
  if (text.length <= max) return text;
  const note = (cut: number) => `\n[... ${cut} characters cut ...]\n`;
  const room = max - note(text.length).length;
  const head = Math.ceil(room * 0.6);
  const tail = room - head;
  const start = text.slice(0, avoidSplitPair(text, head));
  const end = text.slice(text.length - tail + (isLowSurrogate(text, text.length - tail) ? 1 : 0));
  return `${start}${note(text.length - start.length - end.length)}${end}`;
}

function isLowSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Moves a cut back by one when it would separate the two halves of a surrogate pair. */
function avoidSplitPair(text: string, index: number): number {
  return isLowSurrogate(text, index) ? index - 1 : index;
}
