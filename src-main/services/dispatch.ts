// Every front door (Electron IPC, `raptr serve`, tests) calls a channel the same way: the payload is
// validated against the contract here, the handler runs, and any failure comes back as data,
// { ok: false, error }, never as a thrown exception across the boundary.
import { ConfigError } from '../../shared/config/validate.js';
import { boundErrorText, errorMessage } from '../../shared/error-text.js';
import { nestedTooDeep, TOO_DEEP } from '../../shared/json-depth.js';
import {
  CHANNELS,
  isChannel,
  type ApiError,
  type Channel,
  type ChannelResponse,
  type ParsedRequest,
  type Result,
} from '../../shared/ipc-contract.js';
import { formatPath } from '../../shared/config/validate.js';
import { RunStateError } from '../runs/run-manager.js';
import { StoreError } from '../store/index.js';

export type Handlers = {
  [C in Channel]: (request: ParsedRequest<C>) => Promise<ChannelResponse<C>> | ChannelResponse<C>;
};

/** A refusal a handler throws on purpose: the run is busy, already done, ... */
export class ServiceError extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export async function dispatch(
  handlers: Handlers,
  channel: string,
  payload: unknown,
): Promise<Result<unknown>> {
  if (!isChannel(channel))
    return failure({ code: 'not-found', message: `unknown channel "${String(channel).slice(0, 100)}"` });
  if (nestedTooDeep(payload))
    return failure({ code: 'invalid-input', message: `the request is ${TOO_DEEP}` });
  const parsed = CHANNELS[channel].safeParse(payload ?? {});
  if (!parsed.success)
    return failure(
      invalidInput(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }))),
    );
  try {
    const handler = handlers[channel] as (request: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return failure(toApiError(error));
  }
}

/** Every error a channel answers with carries a bounded message (shared/error-text.ts). */
function failure(error: ApiError): Result<never> {
  return { ok: false, error: { ...error, message: boundErrorText(error.message) } };
}

/** At most this many problems are listed: a hostile payload can have a million. */
const MAX_ISSUES = 50;

function invalidInput(issues: Array<{ path: string; message: string }>): ApiError {
  const shown = issues.slice(0, MAX_ISSUES).map((i) => ({ ...i, message: boundErrorText(i.message, 1000) }));
  const more = issues.length - shown.length;
  const lines = shown.map((i) => `${i.path}: ${i.message}`);
  if (more > 0) lines.push(`... and ${more} more problems`);
  return { code: 'invalid-input', message: lines.join('; '), issues: shown };
}

export function toApiError(error: unknown): ApiError {
  const apiError = describeError(error);
  return { ...apiError, message: boundErrorText(apiError.message) };
}

function describeError(error: unknown): ApiError {
  if (error instanceof ServiceError) return { code: error.code, message: error.message };
  if (error instanceof RunStateError) return { code: 'conflict', message: error.message };
  if (error instanceof ConfigError)
    return invalidInput(error.issues.map((i) => ({ path: `config.${i.path}`, message: i.message })));
  if (error instanceof StoreError)
    return {
      code:
        error.code === 'unknown-run'
          ? 'not-found'
          : error.code === 'invalid-input'
            ? 'invalid-input'
            : 'conflict',
      message: error.message,
    };
  const named = error as { name?: string; message?: string; code?: unknown };
  if (named?.name === 'ExportError' && (named.code === 'bad-target' || named.code === 'bad-request'))
    return { code: 'invalid-input', message: named.message ?? 'export refused' };
  if (named?.name === 'ExportError' || named?.name === 'CheckpointError')
    return { code: 'conflict', message: named.message ?? 'export failed' };
  return { code: 'internal', message: errorMessage(error) };
}
