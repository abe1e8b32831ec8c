// Run bundles: export -> import into a fresh database gives the same run, steps, series, events and
// loadable checkpoints; a tampered, truncated or inconsistent bundle is refused and leaves nothing behind.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportRun, importBundle } from '../../src-main/checkpoints/export/index.js';
import { listTar, readEntry, TarWriter } from '../../src-main/checkpoints/export/bundle/tar.js';
import { readCheckpoint } from '../../src-main/checkpoints/format.js';
import {
  allEvents,
  allSeries,
  allSteps,
  getRun,
  listCheckpoints,
  listRuns,
  openDatabase,
  setCheckpointEvalLoss,
  type Db,
} from '../../src-main/store/index.js';
import { mlmConfig, trainedRun, writeCorpus, type TrainedRun } from './fixture.js';
import { loadOurModel } from './our-model.js';

let source: TrainedRun;
let bundle: string;

beforeAll(async () => {
  source = await trainedRun(mlmConfig('post', writeCorpus()));
  // Make the earlier checkpoint the best by eval loss, so the bundle carries two.
  setCheckpointEvalLoss(source.db, source.run.id, 3, 0.5);
  bundle = join(source.root, 'run.raptr-bundle');
  await exportRun(source.db, { runId: source.run.id, format: 'bundle', out: bundle, origin: 'cli' });
});

function freshTarget(): { db: Db; runsDir: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'raptr-import-'));
  return { db: openDatabase(join(root, 'raptr.db')), runsDir: join(root, 'runs'), root };
}

const eventsOf = (db: Db, runId: string) =>
  allEvents(db, runId).map(({ step, kind, payload, time }) => ({ step, kind, payload, time }));

/** Rewrites a bundle entry by entry; edited files get a manifest entry with their new size and sha256. */
async function rewriteBundle(from: string, to: string, edit: (name: string, bytes: Buffer) => Buffer) {
  const handle = await open(from, 'r');
  const entries = await listTar(handle);
  const files = new Map<string, Buffer>();
  for (const e of entries) files.set(e.name, edit(e.name, await readEntry(handle, e)));
  await handle.close();
  const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
  for (const f of manifest.files) {
    f.bytes = files.get(f.name)!.length;
    f.sha256 = createHash('sha256').update(files.get(f.name)!).digest('hex');
  }
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
  const tar = await TarWriter.create(to);
  for (const [name, bytes] of files) await tar.addBuffer(name, bytes);
  await tar.close();
}

function expectNothingImported(target: { db: Db; runsDir: string }) {
  expect(listRuns(target.db, { archived: null })).toEqual([]);
  const left = (() => {
    try {
      return readdirSync(target.runsDir);
    } catch {
      return [];
    }
  })();
  expect(left).toEqual([]);
}

describe('run bundle', () => {
  it('is a tar archive holding the manifest, the metrics and the latest and best checkpoints', async () => {
    const handle = await open(bundle, 'r');
    const names = (await listTar(handle)).map((e) => e.name);
    await handle.close();
    expect(names.slice(0, 2)).toEqual(['manifest.json', 'metrics.json']);
    expect(names).toEqual(
      expect.arrayContaining([
        'checkpoints/step-00000006/state.json',
        'checkpoints/step-00000006/model.safetensors',
        'checkpoints/step-00000006/optimizer.safetensors',
        'checkpoints/step-00000006/tokenizer.json',
        'checkpoints/step-00000003/model.safetensors',
      ]),
    );
    const tar = spawnSync('tar', ['-tf', bundle], { encoding: 'utf8' });
    if (tar.status !== null && !tar.error) expect(tar.stdout.trim().split('\n')).toEqual(names);
  });

  it('imports into a fresh database as the same run, with loadable checkpoints', async () => {
    const target = freshTarget();
    const result = await importBundle(target.db, bundle, target.runsDir);
    const id = source.run.id;
    expect(result).toMatchObject({ runId: id, keptId: true, checkpoints: [6, 3] });
    expect(getRun(target.db, id)).toEqual(source.run);
    expect(allSteps(target.db, id)).toEqual(allSteps(source.db, id));
    expect(allSeries(target.db, id)).toEqual(allSeries(source.db, id));
    expect(eventsOf(target.db, id)).toEqual(eventsOf(source.db, id));
    const imported = listCheckpoints(target.db, id);
    const original = listCheckpoints(source.db, id).filter((c) => c.step === 3 || c.step === 6);
    expect(imported.map(({ step, sha256, bytes, evalLoss }) => ({ step, sha256, bytes, evalLoss }))).toEqual(
      original.map(({ step, sha256, bytes, evalLoss }) => ({ step, sha256, bytes, evalLoss })),
    );
    for (const c of imported) {
      expect(c.path).toBe(join(target.runsDir, id, 'checkpoints', `step-0000000${c.step}`));
      await readCheckpoint(c.path, c.sha256);
    }
    const model = await loadOurModel(imported.find((c) => c.step === 6)!.path);
    const before = await loadOurModel(original.find((c) => c.step === 6)!.path);
    expect(model.logits([[2, 7, 9, 3]])).toEqual(before.logits([[2, 7, 9, 3]]));
    expect(readdirSync(target.runsDir)).toEqual([id]);

    // A second import into the same database gets a new id.
    const again = await importBundle(target.db, bundle, target.runsDir);
    expect(again.keptId).toBe(false);
    expect(again.runId).not.toBe(id);
    expect(allSeries(target.db, again.runId)).toEqual(allSeries(source.db, id));
  });

  it('imports a bundle from before task.evalMasking as measured with the training masking', async () => {
    const old = join(source.root, 'before-eval-masking.raptr-bundle');
    await rewriteBundle(bundle, old, (name, bytes) => {
      if (name !== 'metrics.json') return bytes;
      const doc = JSON.parse(bytes.toString('utf8'));
      delete doc.run.config.task.evalMasking;
      return Buffer.from(JSON.stringify(doc));
    });
    const target = freshTarget();
    const { runId } = await importBundle(target.db, old, target.runsDir);
    const task = (getRun(target.db, runId)!.config as { task: Record<string, unknown> }).task;
    expect(task.evalMasking).toBe('training-rule');
    expect(getRun(source.db, source.run.id)!.config).toMatchObject({ task: { evalMasking: 'every-target' } });
    expect(allSeries(target.db, runId)).toEqual(allSeries(source.db, source.run.id));
  });

  it('refuses a tampered checkpoint file, leaving nothing behind', async () => {
    const tampered = join(source.root, 'tampered.raptr-bundle');
    const bytes = readFileSync(bundle);
    const handle = await open(bundle, 'r');
    const weights = (await listTar(handle)).find(
      (e) => e.name === 'checkpoints/step-00000006/model.safetensors',
    )!;
    await handle.close();
    bytes[weights.offset + 100] = bytes[weights.offset + 100]! ^ 0x01;
    writeFileSync(tampered, bytes);
    const target = freshTarget();
    await expect(importBundle(target.db, tampered, target.runsDir)).rejects.toThrow(
      /model\.safetensors fails its sha256 check.*nothing was imported/,
    );
    expectNothingImported(target);
  });

  it('refuses a truncated bundle and a file that is not a bundle', async () => {
    const cut = join(source.root, 'cut.raptr-bundle');
    writeFileSync(cut, readFileSync(bundle));
    truncateSync(cut, readFileSync(bundle).length - 4000);
    const target = freshTarget();
    await expect(importBundle(target.db, cut, target.runsDir)).rejects.toThrow(/truncated/);
    const text = join(source.root, 'notes.txt');
    writeFileSync(text, 'hello');
    await expect(importBundle(target.db, text, target.runsDir)).rejects.toThrow(/not a readable bundle/);
    await expect(importBundle(target.db, join(source.root, 'nope'), target.runsDir)).rejects.toThrow(
      /not found: .*nope/,
    );
    expectNothingImported(target);
  });

  it('rolls back everything when a consistent-looking bundle fails midway through the database writes', async () => {
    const bad = join(source.root, 'bad-event.raptr-bundle');
    await rewriteBundle(bundle, bad, (name, bytes) => {
      if (name !== 'metrics.json') return bytes;
      const doc = JSON.parse(bytes.toString('utf8'));
      doc.events.at(-1).kind = 'bogus';
      return Buffer.from(JSON.stringify(doc));
    });
    const target = freshTarget();
    await expect(importBundle(target.db, bad, target.runsDir)).rejects.toThrow(
      /event.*kind.*nothing was imported/,
    );
    expectNothingImported(target);
    expect(target.db.prepare('SELECT count(*) AS n FROM metric_points').get()).toEqual({ n: 0 });
  });

  it('refuses a bundle nested deeper than any real one, without overflowing the stack', async () => {
    const deep = join(source.root, 'deep.raptr-bundle');
    await rewriteBundle(bundle, deep, (name, bytes) => {
      if (name !== 'metrics.json') return bytes;
      const text = bytes.toString('utf8');
      // A config 20,000 levels deep: JSON.stringify or structuredClone of it would overflow the stack.
      return Buffer.from(`${text.slice(0, -1)},"extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`);
    });
    const target = freshTarget();
    await expect(importBundle(target.db, deep, target.runsDir)).rejects.toThrow(
      /metrics\.json is not valid \(nested more than 64 levels deep\); nothing was imported/,
    );
    expectNothingImported(target);
  });
});
