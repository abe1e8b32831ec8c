// The one API object the renderer talks through. In the desktop app the preload exposes it as
// window.raptr (Electron IPC); in a plain browser it is the HTTP + WebSocket client for `raptr serve`.
// Same contract, same methods: the views never know which transport they got.
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { createHttpApi, type HttpApiOptions } from './http-api.js';

/** True inside the desktop app (the preload's bridge), where "the server" is this machine. */
export function isDesktop(): boolean {
  return (globalThis as { raptr?: RaptrApi }).raptr !== undefined;
}

export function createApi(options: HttpApiOptions = {}): RaptrApi {
  const bridged = (globalThis as { raptr?: RaptrApi }).raptr;
  return bridged ?? createHttpApi(options);
}

export { createHttpApi, type FetchLike, type HttpApiOptions } from './http-api.js';
export type { EventSocket, EventSocketConstructor, ReconnectOptions } from './event-stream.js';
export { ApiRequestError, unwrap } from './unwrap.js';
