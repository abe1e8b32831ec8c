// Errors the store throws on purpose. Each carries a code the CLI and IPC layers can map to a message,
// and a text that says what to do about it.
import type { z } from 'zod';

export type StoreErrorCode =
  'corrupt-database' | 'foreign-database' | 'newer-schema' | 'unknown-run' | 'invalid-input';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export function unknownRun(runId: string): StoreError {
  return new StoreError('unknown-run', `no run with id "${runId}"`);
}

/** Validates with zod and throws one error whose message names every bad field ("run.name: ..."). */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`));
    return `${what}${path.join('')}: ${issue.message}`;
  });
  throw new StoreError('invalid-input', `invalid ${what}: ${problems.join('; ')}`);
}
