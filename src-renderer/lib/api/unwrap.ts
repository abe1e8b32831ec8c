// For callers that prefer exceptions to { ok, error } results: the value, or an Error that keeps the
// contract's error (code, field issues) beside its message.
import type { ApiError, Result } from '../../../shared/ipc-contract.js';

export class ApiRequestError extends Error {
  constructor(readonly error: ApiError) {
    super(error.message);
    this.name = 'ApiRequestError';
  }

  get code(): ApiError['code'] {
    return this.error.code;
  }
}

export function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiRequestError(result.error);
}
