// GET /api/events: the WebSocket that carries every live event as a { event, payload } text frame. The
// upgrade passes the same access checks as an API call (a browser sends the page's cookie with it). The
// socket is one-way: what a client sends is ignored, and frames over a few KB close it. A ping every
// half-minute finds connections that died without a close (a pulled cable) so they do not linger.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkApiAccess, type AccessPolicy } from './access.js';
import type { EventHub } from './event-hub.js';
import { rawHttpError } from './replies.js';

export const EVENTS_PATH = '/api/events';

export interface EventSocketServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

export function createEventSocketServer(
  hub: EventHub,
  policy: AccessPolicy,
  heartbeatMs = 30_000,
): EventSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, clientTracking: false });
  const alive = new Map<WebSocket, boolean>();

  const heartbeat = setInterval(() => {
    for (const [ws, answered] of alive) {
      if (!answered) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  const accept = (ws: WebSocket) => {
    alive.set(ws, true);
    const remove = hub.add({
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text, (error) => error && ws.terminate());
      },
      terminate: () => ws.terminate(),
    });
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', () => ws.terminate()); // e.g. a frame over maxPayload
    ws.on('close', () => {
      alive.delete(ws);
      remove();
    });
  };

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const pathname = (req.url ?? '').split('?')[0];
      const denial =
        pathname === EVENTS_PATH
          ? checkApiAccess(req, policy)
          : { status: 404 as const, code: 'not-found' as const, message: 'no WebSocket here' };
      if (denial) {
        const text =
          denial.status === 404 ? 'Not Found' : denial.status === 401 ? 'Unauthorized' : 'Forbidden';
        socket.end(rawHttpError(denial.status, text, denial.code, denial.message));
        return;
      }
      wss.handleUpgrade(req, socket, head, accept);
    },
    close() {
      clearInterval(heartbeat);
      for (const ws of alive.keys()) ws.terminate();
      alive.clear();
      wss.close();
    },
  };
}
