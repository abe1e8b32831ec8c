// Bad input must fail before the first training step, with a message that names the file and the line,
// so a user can fix their data without reading a stack trace (issue 3, "Bad input gets a clear error").

export interface DataErrorLocation {
  /** The file (or built-in corpus name) the problem is in. */
  file?: string;
  /** 1-based line number, when the problem is on one line. */
  line?: number;
}

export class DataError extends Error {
  readonly file: string | undefined;
  readonly line: number | undefined;

  constructor(message: string, where: DataErrorLocation = {}) {
    super(formatLocation(where) + message);
    this.name = 'DataError';
    this.file = where.file;
    this.line = where.line;
  }
}

function formatLocation({ file, line }: DataErrorLocation): string {
  if (file === undefined) return '';
  return line === undefined ? `${file}: ` : `${file}:${line}: `;
}
