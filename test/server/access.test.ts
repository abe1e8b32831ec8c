// Who may use `raptr serve`. Bound to a network address, every API call and the event socket need the
// token printed at start-up (a Bearer header, or the cookie the page's ?token= link sets). Bound to
// loopback, no token, but a foreign Host (DNS rebinding), a foreign Origin (another site in the user's
// browser) or a body that is not typed JSON (a cross-site form) is refused.
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isLoopbackHost } from '../../src-main/server/access.js';
import { startServer, type RunningServer } from '../../src-main/server/index.js';
import { rawRequest, tempManager } from './helpers.js';

const { manager, databasePath, dir } = tempManager('raptr-server-access-');
// A real network address of this machine when there is one; else all interfaces, reached via loopback.
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
const bindHost = external ?? '0.0.0.0';
let remote: RunningServer;
let local: RunningServer;
let remoteBase: string;

beforeAll(async () => {
  remote = await startServer({ manager, databasePath, host: bindHost, port: 0, staticDir: dir });
  local = await startServer({ manager, databasePath, port: 0, staticDir: dir });
  remoteBase = `http://${external ?? '127.0.0.1'}:${remote.port}/`;
});
afterAll(async () => {
  await Promise.all([remote.close(), local.close()]);
  await manager.shutdown();
});

const json = { 'Content-Type': 'application/json' };
const call = (base: string, headers: Record<string, string> = {}, path = '/api/presets:list') =>
  rawRequest(base, { method: 'POST', path, headers: { ...json, ...headers }, body: '{}' });

function upgrade(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve('open');
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
  });
}

describe('a non-loopback bind', () => {
  it('makes a long random token, different on every start', async () => {
    expect(isLoopbackHost(bindHost)).toBe(false);
    expect(remote.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await startServer({ manager, databasePath, host: bindHost, port: 0, staticDir: dir });
    expect(other.token).not.toBe(remote.token);
    await other.close();
    expect(local.token).toBeNull();
  });

  it('answers 401 without the token or with a wrong one, 200 with it', async () => {
    const without = await call(remoteBase);
    expect(without.status).toBe(401);
    expect(without.json).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(without.headers['www-authenticate']).toBe('Bearer');
    const wrong = await call(remoteBase, { Authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    // Unknown channels are no way around it either.
    expect((await call(remoteBase, {}, '/api/no:such')).status).toBe(401);
    const right = await call(remoteBase, { Authorization: `Bearer ${remote.token}` });
    expect(right.status).toBe(200);
    expect(right.json).toMatchObject({ ok: true });
  });

  it('swaps ?token= on the page for an HttpOnly SameSite=Strict cookie that the API then accepts', async () => {
    const first = await rawRequest(remoteBase, { path: `/runs?token=${remote.token}&x=1` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/runs?x=1'); // the token leaves the address bar
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const pair = cookie.split(';')[0]!;
    expect((await call(remoteBase, { Cookie: pair })).status).toBe(200);
    expect((await call(remoteBase, { Cookie: `raptr_token_${remote.port}=wrong` })).status).toBe(401);
    expect((await rawRequest(remoteBase, { path: '/?token=wrong' })).status).toBe(401);
  });

  it('refuses the event socket without the token', async () => {
    const events = `ws://${external ?? '127.0.0.1'}:${remote.port}/api/events`;
    expect(await upgrade(events)).toBe(401);
    expect(await upgrade(events, { Authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgrade(events, { Authorization: `Bearer ${remote.token}` })).toBe('open');
    expect(await upgrade(events, { Cookie: `raptr_token_${remote.port}=${remote.token}` })).toBe('open');
  });
});

describe('a loopback bind', () => {
  it('needs no token', async () => {
    expect((await call(local.url)).json).toMatchObject({ ok: true });
    expect(await upgrade(`ws://127.0.0.1:${local.port}/api/events`)).toBe('open');
  });

  it('refuses foreign Host names (DNS rebinding), on the API, the page and the event socket', async () => {
    const evil = { Host: `attacker.example:${local.port}` };
    const api = await call(local.url, evil);
    expect(api.status).toBe(403);
    expect(api.json).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await rawRequest(local.url, { path: '/', headers: evil })).status).toBe(403);
    expect(await upgrade(`ws://127.0.0.1:${local.port}/api/events`, evil)).toBe(403);
    for (const host of [`localhost:${local.port}`, `127.0.0.1:${local.port}`, 'localhost'])
      expect((await call(local.url, { Host: host })).status).toBe(200);
  });

  it('refuses other sites: foreign Origins and bodies not typed as JSON', async () => {
    expect((await call(local.url, { Origin: 'https://attacker.example' })).status).toBe(403);
    expect((await call(local.url, { Origin: 'null' })).status).toBe(403);
    expect((await call(local.url, { Origin: `http://127.0.0.1:${local.port}` })).status).toBe(200);
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const reply = await call(local.url, { 'Content-Type': type });
      expect(reply.status).toBe(415);
      expect(reply.json).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    const socket = `ws://127.0.0.1:${local.port}/api/events`;
    expect(await upgrade(socket, { Origin: 'https://attacker.example' })).toBe(403);
    expect(await upgrade(socket, { Origin: `http://127.0.0.1:${local.port}` })).toBe('open');
  });
});
