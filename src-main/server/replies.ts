// Every answer `raptr serve` gives carries the same security headers as the desktop window's page, and every
// API failure, whatever its HTTP status, has the contract's shape { ok: false, error }.
import { boundErrorText } from '../../shared/error-text.js';
import type { ServerResponse } from 'node:http';
import type { ApiErrorCode } from '../../shared/ipc-contract.js';
import { toWireJson } from '../../shared/http-wire.js';

/** The desktop window's policy: only our own scripts, no plugins, no framing; WebSockets for live events. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

// No Cross-Origin-Opener-Policy: browsers ignore it over plain HTTP to a network address (with a console
// error on every page), and the app opens no windows for it to guard.
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export type Headers = Record<string, string | number | string[]>;

export function replyJson(res: ServerResponse, status: number, body: unknown, headers: Headers = {}): void {
  let text: string;
  try {
    text = toWireJson(body);
  } catch (error) {
    // Nothing the contract returns should fail to serialize; if it ever does, say so instead of hanging.
    status = 500;
    text = toWireJson({ ok: false, error: { code: 'internal', message: `unserializable answer: ${error}` } });
  }
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function replyError(
  res: ServerResponse,
  status: number,
  code: ApiErrorCode,
  message: string,
  headers: Headers = {},
): void {
  replyJson(res, status, { ok: false, error: { code, message: boundErrorText(message) } }, headers);
}

export function replyHtml(res: ServerResponse, status: number, html: string, headers: Headers = {}): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(html);
}

/** The error body for a refused WebSocket upgrade, written straight onto the socket (no ServerResponse). */
export function rawHttpError(
  status: number,
  statusText: string,
  code: ApiErrorCode,
  message: string,
): string {
  const body = toWireJson({ ok: false, error: { code, message } });
  return (
    `HTTP/1.1 ${status} ${statusText}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: application/json; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}
