// `--backend NAME` (raptr bench, raptr resume): one of the backends a run config may ask for.
import { BACKEND_REQUESTS } from '../../shared/config/schema.js';
import type { BackendRequest } from '../trainer/backend/select-backend.js';
import { InputError } from './input-error.js';

const BACKENDS: readonly string[] = BACKEND_REQUESTS;

export function backendFlag(value: string): BackendRequest {
  if (!BACKENDS.includes(value))
    throw new InputError([`--backend: expected one of ${BACKENDS.join(', ')}, got "${value}"`]);
  return value as BackendRequest;
}
