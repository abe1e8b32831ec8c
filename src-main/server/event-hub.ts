// Fans live events out to every connected event socket. Each event is serialized once. A client that
// stops reading (a laptop gone to sleep, a frozen tab) would make its send buffer grow without bound, so a
// client whose buffer passes the limit is cut off; its page reconnects and reloads what it shows. Closed
// clients leave the set the moment they close, so nothing is kept for them.
import type { EventName, Events } from '../../shared/ipc-contract.js';
import { toWireJson } from '../../shared/http-wire.js';

/** The part of a WebSocket the hub needs (the `ws` package's sockets, and fakes in tests). */
export interface HubClient {
  /** Bytes queued for this client but not yet written to its connection. */
  readonly bufferedAmount: number;
  send(text: string): void;
  /** Drops the connection at once, without a closing handshake (a stuck client would not answer one). */
  terminate(): void;
}

export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export class EventHub {
  private readonly clients = new Set<HubClient>();

  constructor(private readonly maxBufferedBytes = DEFAULT_MAX_BUFFERED_BYTES) {}

  get size(): number {
    return this.clients.size;
  }

  /** Adds a client; call the returned function when its connection closes. */
  add(client: HubClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  broadcast<E extends EventName>(event: E, payload: Events[E]): void {
    if (this.clients.size === 0) return;
    const frame = toWireJson({ event, payload });
    for (const client of this.clients) {
      if (client.bufferedAmount > this.maxBufferedBytes) {
        this.drop(client);
        continue;
      }
      try {
        client.send(frame);
      } catch {
        this.drop(client); // a socket that throws on send is gone; never let one client stop the others
      }
    }
  }

  /** Disconnects everyone (server shutdown). */
  closeAll(): void {
    for (const client of [...this.clients]) this.drop(client);
  }

  private drop(client: HubClient): void {
    this.clients.delete(client);
    try {
      client.terminate();
    } catch {
      // already closed
    }
  }
}
