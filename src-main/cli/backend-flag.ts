// `--backend NAME` (raptr bench, raptr resume): one of the backends a run config may ask for.
import type { BackendRequest } from '../trainer/backend/select-backend.js';
import { InputError } from './input-error.js';

const BACKENDS: readonly string[] = [
  'auto',
  'tensorflow',
  'webgpu',
  'wasm',
  'cpu',
] satisfies BackendRequest[];

export function backendFlag(value: string): BackendRequest {
  if (!BACKENDS.includes(value))
    throw new InputError([`--backend: expected one of ${BACKENDS.join(', ')}, got "${value}"`]);
  return value as BackendRequest;
}
