// The page's Content-Security-Policy and the network rule "no remote content". The policy is sent as a
// response header for everything the session loads; the renderer's index.html carries the same policy
// in a <meta> tag, because older Electron versions do not run header hooks for file:// pages.
import type { Session } from 'electron';
import type { RendererSource } from './renderer-source.js';

/**
 * Scripts only from our own files (no inline script, no eval), nothing from the network. Inline styles
 * are allowed: Svelte and chart.js set style attributes, and a style cannot run code.
 */
export function contentSecurityPolicy(source: RendererSource): string {
  // In development the page comes from the vite dev server, whose hot reload talks over a WebSocket.
  const devSocket = source.kind === 'dev-server' ? ` ws://${source.url.host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${devSocket}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Requests that would fetch from the network: http(s) and WebSockets outside the dev server. */
export function isRemoteRequest(source: RendererSource, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol)) return false;
  return !(source.kind === 'dev-server' && parsed.host === source.url.host);
}

export function installContentPolicy(session: Session, source: RendererSource): void {
  const policy = contentSecurityPolicy(source);
  session.webRequest.onHeadersReceived((details, callback) => {
    // Added beside any policy already there: several policies all apply, so this can only tighten.
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: isRemoteRequest(source, details.url) });
  });
  // No page of ours needs the camera, notifications, USB, ... : every request and check says no.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
