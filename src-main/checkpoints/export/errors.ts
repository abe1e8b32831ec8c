// Refusals of an export or import. Each says what is wrong and what to do; the CLI prints the message as
// one line and exits 2 (bad input), the app shows it as is.
export type ExportErrorCode =
  | 'no-checkpoint'
  | 'bad-checkpoint'
  | 'exists'
  | 'unsupported-model'
  | 'bad-bundle'
  | 'bad-request'
  /** The output path is not one an export may be written to (target-policy.ts). */
  | 'bad-target';

export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExportError';
  }
}
