// Exports a browser downloads: export:download writes under the data folder's exports/downloads/ (folder
// formats as one .zip) and GET /api/downloads/<file> hands it out; nothing else there is reachable. A
// relative export path lands in the data folder's exports/, never in the server's working directory.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportDownload, ExportResult, RunSummary } from '../../shared/api-types.js';
import { startServer, type RunningServer } from '../../src-main/server/index.js';
import { post, rawRequest, tempManager, tinyConfig } from './helpers.js';

const { manager, databasePath, dir } = tempManager('raptr-downloads-');
let server: RunningServer;
let runId = '';

beforeAll(async () => {
  server = await startServer({ manager, databasePath, port: 0, staticDir: dir });
  const created = await post(server.url, 'runs:create', { config: tinyConfig, name: 'to download' });
  runId = (created.body as { value: RunSummary }).value.id;
  await manager.waitFor(runId);
});
afterAll(async () => {
  await server.close();
  await manager.shutdown();
});

async function value<T>(channel: string, payload: unknown): Promise<T> {
  const { body } = await post(server.url, channel, payload);
  const result = body as { ok: boolean; value: T; error?: { message: string } };
  if (!result.ok) throw new Error(result.error?.message);
  return result.value;
}

describe('downloads', () => {
  it('zips a folder export and serves it once, as an attachment', async () => {
    const made = await value<ExportDownload>('export:download', { id: runId, format: 'csv' });
    expect(made.file).toMatch(/^to-download-csv-\d{8}T\d{6}\.zip$/);
    expect(existsSync(join(dir, 'exports', 'downloads', made.file))).toBe(true);
    const got = await rawRequest(server.url, { path: `/api/downloads/${made.file}` });
    expect(got.status).toBe(200);
    expect(got.headers['content-disposition']).toBe(`attachment; filename="${made.file}"`);
    const raw = await fetch(`${server.url}api/downloads/${made.file}`).then((r) => r.arrayBuffer());
    expect(raw.byteLength).toBe(made.bytes);
    const names = Object.keys(unzipSync(new Uint8Array(raw))).filter((n) => !n.endsWith('/'));
    expect(names.length).toBe(made.result.files.length);
    expect(names.every((n) => n.startsWith(made.file.replace(/\.zip$/, '/')))).toBe(true);
  });

  it('serves a bundle as the one file it is, and nothing outside the downloads folder', async () => {
    const made = await value<ExportDownload>('export:download', { id: runId, format: 'bundle' });
    expect(made.file).toMatch(/\.raptr-bundle$/);
    expect((await rawRequest(server.url, { path: `/api/downloads/${made.file}` })).status).toBe(200);
    for (const path of [
      '/api/downloads/..%2F..%2Fraptr.db',
      '/api/downloads/%2e%2e/raptr.db',
      '/api/downloads/.hidden',
      '/api/downloads/nope.zip',
    ]) {
      const reply = await rawRequest(server.url, { path });
      expect([404, 405], path).toContain(reply.status);
      expect(reply.text).not.toContain('SQLite format');
    }
    expect(
      (await rawRequest(server.url, { method: 'POST', path: `/api/downloads/${made.file}` })).status,
    ).toBe(405);
  });

  it('puts an export with a relative path into the data folder’s exports/', async () => {
    const result = await value<ExportResult>('export:run', { id: runId, format: 'json', out: 'kept-here' });
    expect(result.path).toBe(join(dir, 'exports', 'kept-here'));
    expect(existsSync(join(process.cwd(), 'kept-here'))).toBe(false);
  });

  it('keeps exports on the server out of the downloads folder, whose files last a day', async () => {
    for (const out of ['downloads', 'downloads/mine.json', './downloads/x/../y'])
      await expect(value('export:run', { id: runId, format: 'json', out }), out).rejects.toThrow(
        /exports\/downloads\/ holds browser downloads for a day only/,
      );
    for (const out of ['/etc/passwd-copy', '../outside'])
      await expect(value('export:run', { id: runId, format: 'json', out }), out).rejects.toThrow(
        /exports over the API go under/,
      );
  });
});
