// Live events from `raptr serve`: one WebSocket, opened when the first listener subscribes and closed when
// the last one leaves, reconnecting with exponential backoff (with jitter, so many tabs do not reconnect in
// lockstep after a server restart). Events sent while disconnected are lost: pages should reload what they
// show when the connection comes back (onConnectionChange(true)).
import { EVENT_NAMES, type EventName } from '../../../shared/ipc-api.js';
import { fromWireJson } from '../../../shared/http-wire.js';

/**
 * The part of a WebSocket this stream uses. The browser's WebSocket fits it, and so does the `ws`
 * package's (tests in Node inject that one; the browser code itself imports nothing from Node).
 */
export interface EventSocket {
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}
export type EventSocketConstructor = new (url: string) => EventSocket;

export interface ReconnectOptions {
  /** The first retry's delay; it doubles on each failure up to maxMs. */
  initialMs?: number;
  maxMs?: number;
}

export interface EventStream {
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** How long the socket stays open after the last listener left. */
const IDLE_CLOSE_MS = 2000;

export function createEventStream(
  openSocket: () => EventSocket,
  reconnect: ReconnectOptions = {},
  onConnectionChange?: (connected: boolean) => void,
): EventStream {
  const initialMs = reconnect.initialMs ?? 500;
  const maxMs = reconnect.maxMs ?? 15_000;
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let socket: EventSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let connected = false;

  const listenerCount = () => [...listeners.values()].reduce((n, set) => n + set.size, 0);

  const setConnected = (value: boolean) => {
    if (value === connected) return;
    connected = value;
    onConnectionChange?.(value);
  };

  const deliver = (data: unknown) => {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = fromWireJson(data);
    } catch {
      return; // not ours; the server only sends JSON
    }
    const { event, payload } = (frame ?? {}) as { event?: unknown; payload?: unknown };
    if (typeof event !== 'string' || !(EVENT_NAMES as readonly string[]).includes(event)) return;
    for (const listener of [...(listeners.get(event as EventName) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`a listener for ${event} failed`, error); // one bad listener must not starve the rest
      }
    }
  };

  const connect = () => {
    retryTimer = null;
    const current = openSocket();
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      failures = 0;
      setConnected(true);
    });
    current.addEventListener('message', (event) => {
      if (socket === current) deliver(event.data);
    });
    current.addEventListener('error', () => {}); // a close always follows; handled there
    current.addEventListener('close', () => {
      if (socket !== current) return; // closed on purpose, or replaced
      socket = null;
      setConnected(false);
      scheduleReconnect();
    });
  };

  const scheduleReconnect = () => {
    if (listenerCount() === 0 || retryTimer !== null) return;
    const ceiling = Math.min(maxMs, initialMs * 2 ** failures);
    failures++;
    retryTimer = setTimeout(connect, ceiling * (0.5 + Math.random() / 2));
  };

  // Closing because nobody listens is not a lost connection: it is not reported (a banner would flash on
  // every view change), and it waits a moment, since the next view subscribes right after the last one left.
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  const disconnect = () => {
    idleTimer = null;
    if (listenerCount() > 0) return;
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    const current = socket;
    socket = null;
    current?.close();
    failures = 0;
    connected = false;
  };

  return {
    subscribe(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      // A new function object per subscription: the same listener subscribed twice is two subscriptions.
      const entry = (payload: unknown) => listener(payload);
      set.add(entry);
      if (idleTimer !== null) clearTimeout(idleTimer);
      idleTimer = null;
      if (socket === null && retryTimer === null) connect();
      return () => {
        set.delete(entry);
        if (listenerCount() === 0 && idleTimer === null) idleTimer = setTimeout(disconnect, IDLE_CLOSE_MS);
      };
    },
  };
}
