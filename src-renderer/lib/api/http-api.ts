// The contract over HTTP, for the app in a plain browser (served by `raptr serve`): each channel is a
// POST /api/<channel> with a JSON body, live events come over one WebSocket. The access token, when the
// server needs one, rides in an HttpOnly cookie the server set on the page's first load: same-origin
// fetches and WebSockets send it by themselves, so this code never sees it.
// From the zod-free half of the contract: the request schemas (and zod) stay out of the page's bundle.
import {
  buildApi,
  type ApiErrorCode,
  type Channel,
  type RaptrApi,
  type Result,
} from '../../../shared/ipc-api.js';
import { fromWireJson } from '../../../shared/http-wire.js';
import { errorMessage } from '../../../shared/error-text.js';
import { createEventStream, type EventSocketConstructor, type ReconnectOptions } from './event-stream.js';

/** The part of fetch this client uses (the browser's, or Node's in tests). */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; credentials: 'same-origin' },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface HttpApiOptions {
  /** The server, e.g. "http://127.0.0.1:7860". Default: the page's own origin. */
  baseUrl?: string;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** Default: the global WebSocket (the browser's). */
  WebSocket?: EventSocketConstructor;
  reconnect?: ReconnectOptions;
  /** Told when the event socket connects and disconnects: reload what the page shows on reconnect. */
  onConnectionChange?: (connected: boolean) => void;
}

const ERROR_CODES: readonly ApiErrorCode[] = [
  'invalid-input',
  'not-found',
  'conflict',
  'unauthorized',
  'internal',
];

export function createHttpApi(options: HttpApiOptions = {}): RaptrApi {
  const origin = (options.baseUrl ?? pageOrigin()).replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalFetch();
  const eventsUrl = `${origin.replace(/^http/, 'ws')}/api/events`;
  // Looked up on first use: a caller that never subscribes needs no WebSocket at all.
  const openSocket = () => new (options.WebSocket ?? globalWebSocket())(eventsUrl);
  const events = createEventStream(openSocket, options.reconnect, options.onConnectionChange);

  const invoke = async (channel: Channel, request: unknown): Promise<Result<unknown>> => {
    let status = 0;
    let text: string;
    try {
      const response = await fetchFn(`${origin}/api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request ?? {}),
        credentials: 'same-origin',
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      return failure(`cannot reach the RaPTr server: ${errorMessage(error)}`);
    }
    try {
      const body = fromWireJson(text);
      if (isResult(body)) return body;
    } catch {
      // fall through: a proxy's error page, a truncated answer
    }
    return failure(`the server answered HTTP ${status} without a result`);
  };

  return buildApi(invoke, (event, listener) => events.subscribe(event, listener));
}

function failure(message: string): Result<never> {
  return { ok: false, error: { code: 'internal', message } };
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null) return false;
  const candidate = body as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (candidate.ok === true) return 'value' in candidate;
  return (
    candidate.ok === false &&
    typeof candidate.error?.message === 'string' &&
    ERROR_CODES.includes(candidate.error.code as ApiErrorCode)
  );
}

// The browser globals, looked up rather than referenced, so that this file also type-checks (and runs in
// tests) under Node's library types, where they do not exist.
interface BrowserGlobals {
  location?: { origin: string };
  fetch?: FetchLike;
  WebSocket?: EventSocketConstructor;
}
const browser = globalThis as BrowserGlobals;

function pageOrigin(): string {
  if (!browser.location) throw new Error('createHttpApi: no page origin here; pass options.baseUrl');
  return browser.location.origin;
}

function globalFetch(): FetchLike {
  const fetchFn = browser.fetch;
  if (!fetchFn) throw new Error('createHttpApi: no fetch here; pass options.fetch');
  return (url, init) => fetchFn.call(globalThis, url, init); // browsers refuse fetch called on another `this`
}

function globalWebSocket(): EventSocketConstructor {
  if (!browser.WebSocket) throw new Error('createHttpApi: no WebSocket here; pass options.WebSocket');
  return browser.WebSocket;
}
