// `raptr serve`: the IPC contract over HTTP (POST /api/<channel>) and a WebSocket for live events
// (/api/events), next to the built renderer, so the same app runs in a browser on a headless GPU box and
// in end-to-end tests. A thin adapter: every channel goes through the same dispatch as Electron's IPC.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { networkInterfaces } from 'node:os';
import type { RunManager } from '../runs/run-manager.js';
import type { Handlers } from '../services/dispatch.js';
import { createHandlers } from '../services/handlers.js';
import { liveEvents } from '../services/live-events.js';
import {
  checkApiAccess,
  checkHost,
  makeAccessPolicy,
  tokenCookie,
  tokensEqual,
  type AccessPolicy,
} from './access.js';
import { DEFAULT_MAX_BODY_BYTES, handleApiCall } from './api-route.js';
import { DOWNLOADS_PATH, serveDownload } from './downloads.js';
import { downloadsDir } from '../services/export-download.js';
import { EventHub } from './event-hub.js';
import { createEventSocketServer, EVENTS_PATH } from './event-socket.js';
import { replyError, replyHtml } from './replies.js';
import { defaultStaticDir, serveStatic } from './static-files.js';

export interface ServerOptions {
  manager: RunManager;
  databasePath: string;
  /** Default 127.0.0.1. Anything that is not loopback requires the token. */
  host?: string;
  /** Default 7860; 0 picks a free port. */
  port?: number;
  /** Default: a random token on a non-loopback bind, none on loopback. Given, it is required on any bind. */
  token?: string;
  /** The built renderer; default dist/renderer in the package folder. */
  staticDir?: string;
  maxBodyBytes?: number;
  /** Event-socket clients whose unsent backlog passes this are disconnected. */
  maxBufferedBytes?: number;
}

export interface RunningServer {
  /** Where a browser should go (a reachable address when bound to all interfaces). */
  url: string;
  host: string;
  port: number;
  /** Null when none is needed (loopback without an explicit token). */
  token: string | null;
  /** Connected event-socket clients. */
  eventClients(): number;
  /** Stops listening, disconnects everyone; the run manager stays open (its owner shuts it down). */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const handlers = createHandlers({
    manager: options.manager,
    databasePath: options.databasePath,
    electronVersion: null,
  });
  const staticDir = options.staticDir ?? defaultStaticDir();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const hub = new EventHub(options.maxBufferedBytes);
  const events = liveEvents(options.manager);
  events.subscribe((event, payload) => hub.broadcast(event, payload));

  const server = createServer();
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7860, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    events.close();
    throw error;
  });

  // Listeners go on once the port is known (the token cookie is named after it). No request can slip in
  // before: connections are accepted on a later turn of the event loop than this continuation.
  const { port } = server.address() as AddressInfo;
  const policy = makeAccessPolicy(host, port, options.token);
  const context: RouteContext = {
    policy,
    handlers,
    staticDir,
    maxBodyBytes,
    downloadsDir: downloadsDir(options.databasePath),
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    route(req, res, context).catch((error: unknown) => {
      if (!res.headersSent)
        replyError(res, 500, 'internal', error instanceof Error ? error.message : 'failed');
      else res.destroy();
    });
  });
  const sockets = createEventSocketServer(hub, policy);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
    sockets.handleUpgrade(req, socket, head),
  );

  return {
    url: `http://${urlHost(host)}:${port}/`,
    host,
    port,
    token: policy.token,
    eventClients: () => hub.size,
    close: async () => {
      events.close();
      sockets.close();
      hub.closeAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

interface RouteContext {
  policy: AccessPolicy;
  handlers: Handlers;
  staticDir: string;
  maxBodyBytes: number;
  downloadsDir: string;
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> {
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return replyError(res, 400, 'invalid-input', 'bad request target');
  // Concatenated, not resolved against a base: "//x" stays a path instead of becoming a host.
  const url = new URL(`http://raptr.invalid${target}`);

  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
    const denial = checkApiAccess(req, ctx.policy);
    if (denial)
      return replyError(res, denial.status, denial.code, denial.message, { 'WWW-Authenticate': 'Bearer' });
    if (url.pathname === EVENTS_PATH)
      return replyError(res, 426, 'invalid-input', 'live events need a WebSocket', { Upgrade: 'websocket' });
    if (url.pathname.startsWith(DOWNLOADS_PATH))
      return serveDownload(req, res, url.pathname, ctx.downloadsDir);
    return handleApiCall(req, res, url.pathname.slice('/api/'.length), ctx.handlers, ctx.maxBodyBytes);
  }

  const hostDenial = checkHost(req, ctx.policy);
  if (hostDenial) return replyError(res, hostDenial.status, hostDenial.code, hostDenial.message);
  const offered = url.searchParams.get('token');
  if (offered !== null && ctx.policy.token !== null) return exchangeToken(res, url, offered, ctx.policy);
  return serveStatic(req, res, url.pathname, ctx.staticDir);
}

/**
 * The page's first load carries ?token=: swap it for an HttpOnly cookie and send the browser to the same
 * address without it, so the token is neither kept in the address bar and history nor readable by script.
 */
function exchangeToken(res: ServerResponse, url: URL, offered: string, policy: AccessPolicy): void {
  if (policy.token === null || !tokensEqual(offered, policy.token))
    return replyHtml(res, 401, '<!doctype html><title>Wrong token</title><p>Wrong access token.</p>\n');
  url.searchParams.delete('token');
  res.writeHead(303, {
    Location: `${url.pathname}${url.search}`,
    'Set-Cookie': tokenCookie(policy, policy.token),
    'Cache-Control': 'no-store',
    'Content-Length': 0,
  });
  res.end();
}

/** The address to print: the bound host, or this machine's first network address for "all interfaces". */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4');
    return external?.address ?? 'localhost';
  }
  return host.includes(':') ? `[${host}]` : host;
}
