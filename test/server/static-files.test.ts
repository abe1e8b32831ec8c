// The built renderer as `raptr serve` serves it: the right MIME types, index.html for "/" and app routes,
// the desktop window's CSP on every answer, and nothing outside the renderer's folder, however the path is
// spelled (raw requests: fetch would tidy "/../" away before it left).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src-main/server/index.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/server/replies.js';
import { rawRequest, tempManager } from './helpers.js';

const { manager, databasePath, dir } = tempManager('raptr-server-static-');
const site = join(dir, 'site');
const renderer = join(site, 'renderer');
let server: RunningServer;
let unbuilt: RunningServer;

beforeAll(async () => {
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(renderer, 'assets', 'main-abc123.js'), 'console.log(1)');
  writeFileSync(join(renderer, 'assets', 'style.css'), 'body{}');
  writeFileSync(join(renderer, 'assets', 'kernels.wasm'), Buffer.from([0, 97, 115, 109]));
  writeFileSync(join(site, 'secret.txt'), 'outside the renderer');
  writeFileSync(join(dir, 'raptr-secret.txt'), 'outside the renderer');
  symlinkSync(join(site, 'secret.txt'), join(renderer, 'leak.txt'));
  server = await startServer({ manager, databasePath, port: 0, staticDir: renderer });
  unbuilt = await startServer({ manager, databasePath, port: 0, staticDir: join(dir, 'missing') });
});
afterAll(async () => {
  await Promise.all([server.close(), unbuilt.close()]);
  await manager.shutdown();
});

describe('static files', () => {
  it('serves index.html for "/", files with their MIME types, and the CSP on each', async () => {
    const cases: Array<[string, number, string]> = [
      ['/', 200, 'text/html; charset=utf-8'],
      ['/runs/abc', 404, 'text/plain; charset=utf-8'], // the app routes in the hash: /#/runs/abc
      ['/assets/main-abc123.js', 200, 'text/javascript; charset=utf-8'],
      ['/assets/style.css', 200, 'text/css; charset=utf-8'],
      ['/assets/kernels.wasm', 200, 'application/wasm'],
      ['/assets/missing.js', 404, 'text/plain; charset=utf-8'],
    ];
    for (const [path, status, type] of cases) {
      const reply = await rawRequest(server.url, { path });
      expect([path, reply.status, reply.headers['content-type']]).toEqual([path, status, type]);
      expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self' ws: wss:; object-src 'none'; frame-ancestors 'none'",
    );
    expect((await rawRequest(server.url, { path: '/' })).text).toContain('<title>app</title>');
  });

  it('never serves a file outside the renderer folder, however the path is written', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../raptr-secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%252e%252e/secret.txt',
      '//../secret.txt',
      '/assets/../../secret.txt',
      '/leak.txt', // a symlink inside the folder that points out of it
      '/index.html%00.js',
      '/%E0%A4%A',
    ];
    for (const path of attempts) {
      const reply = await rawRequest(server.url, { path });
      expect(reply.text, path).not.toContain('outside the renderer');
      expect([400, 404], path).toContain(reply.status);
    }
  });

  it('answers HEAD, revalidates with ETag, caches hashed assets, and refuses other methods', async () => {
    const head = await rawRequest(server.url, { method: 'HEAD', path: '/assets/main-abc123.js' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers['cache-control']).toContain('immutable');
    const again = await rawRequest(server.url, {
      path: '/assets/main-abc123.js',
      headers: { 'If-None-Match': String(head.headers.etag) },
    });
    expect(again.status).toBe(304);
    expect((await rawRequest(server.url, { path: '/' })).headers['cache-control']).toBe('no-cache');
    expect((await rawRequest(server.url, { method: 'POST', path: '/' })).status).toBe(405);
  });

  it('explains how to build the renderer when it is not built, and the API still answers', async () => {
    const page = await rawRequest(unbuilt.url, { path: '/' });
    expect(page.status).toBe(503);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.text).toContain('The renderer is not built');
    expect(page.text).toContain('npm run build');
    expect(page.text).not.toContain('<script');
    const api = await rawRequest(unbuilt.url, {
      method: 'POST',
      path: '/api/presets:list',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(api.json).toMatchObject({ ok: true });
  });
});
