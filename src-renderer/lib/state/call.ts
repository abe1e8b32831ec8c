// Every API method answers { ok, value } or { ok: false, error }; views await values and show errors.
import { errorMessage } from '../../../shared/error-text.js';
import type { ApiError, Result } from '../../../shared/ipc-contract.js';

export class ApiFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}

export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new ApiFailure(result.error);
  return result.value;
}

/** A message fit for the page from anything thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiFailure) return error.error.message;
  return errorMessage(error);
}
