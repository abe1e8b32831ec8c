// Who may talk to `raptr serve`. A loopback bind is reachable only from this machine, so it needs no token,
// but two browser attacks still reach it: DNS rebinding (a foreign name resolving to 127.0.0.1; caught by
// the Host check) and cross-site requests from any page the user has open (caught by the Origin check, and
// by requiring a JSON content type, which a cross-site form or fetch cannot send without CORS consent we
// never give). Any other bind is reachable from the network: every API request and the event socket must
// then carry the token printed at start-up.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

export interface AccessPolicy {
  /** Null on a loopback bind without an explicit token. */
  token: string | null;
  loopback: boolean;
  /** The host the server is bound to, as given ("127.0.0.1", "0.0.0.0", "::1", ...). */
  boundHost: string;
  /** The cookie that carries the token for the page (one name per port: cookies ignore ports). */
  cookieName: string;
}

export interface Denial {
  status: 401 | 403;
  code: 'unauthorized';
  message: string;
}

export function makeAccessPolicy(host: string, port: number, token: string | undefined): AccessPolicy {
  const loopback = isLoopbackHost(host);
  return {
    token: token ?? (loopback ? null : newToken()),
    loopback,
    boundHost: host,
    cookieName: `raptr_token_${port}`,
  };
}

/** 32 random bytes, URL-safe: printable, typeable, and unguessable. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = bare.startsWith('::ffff:') ? bare.slice(7) : bare;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** The checks every API request and event-socket upgrade passes: Host, Origin, then the token. */
export function checkApiAccess(req: IncomingMessage, policy: AccessPolicy): Denial | null {
  return checkHost(req, policy) ?? checkOrigin(req) ?? checkToken(req, policy);
}

/** DNS-rebinding guard: on a loopback bind, only loopback names may appear in the Host header. */
export function checkHost(req: IncomingMessage, policy: AccessPolicy): Denial | null {
  if (!policy.loopback) return null;
  const name = hostName(req.headers.host ?? '');
  const bound = policy.boundHost.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (name === 'localhost' || name === bound || (name !== '' && isLoopbackHost(name))) return null;
  return deny(403, `this server answers only to loopback host names, not "${name.slice(0, 100)}"`);
}

/** A browser always names the page that sent a request; it must be this server's own page. */
export function checkOrigin(req: IncomingMessage): Denial | null {
  const origin = req.headers.origin;
  if (origin === undefined) return null; // not a browser, or a same-origin GET
  let originHost: string | null = null;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    // "null" (sandboxed frames, file: pages) and junk are foreign by definition
  }
  if (originHost !== null && originHost === (req.headers.host ?? '').toLowerCase()) return null;
  return deny(403, 'requests from other sites are refused');
}

export function checkToken(req: IncomingMessage, policy: AccessPolicy): Denial | null {
  if (policy.token === null) return null;
  const presented = bearerToken(req) ?? cookieValue(req, policy.cookieName);
  if (presented !== null && tokensEqual(presented, policy.token)) return null;
  return deny(
    401,
    presented === null
      ? 'this server needs the access token printed at start-up (Authorization: Bearer <token>)'
      : 'wrong access token',
  );
}

/** The Set-Cookie value that lets the page's own requests carry the token without script ever seeing it. */
export function tokenCookie(policy: AccessPolicy, token: string): string {
  return `${policy.cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function tokensEqual(presented: string, expected: string): boolean {
  // Hash first so both sides have the same length and the comparison time says nothing about the token.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1] ?? null;
}

function cookieValue(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** "Example.com:7860" -> "example.com", "[::1]:7860" -> "::1". */
function hostName(header: string): string {
  const lower = header.trim().toLowerCase();
  if (lower.startsWith('[')) return lower.slice(1, Math.max(1, lower.indexOf(']')));
  const colon = lower.lastIndexOf(':');
  return colon >= 0 ? lower.slice(0, colon) : lower;
}

function deny(status: Denial['status'], message: string): Denial {
  return { status, code: 'unauthorized', message };
}
