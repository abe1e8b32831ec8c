// The non-HF exports: safetensors with its name map, metrics as CSV (long and wide) and JSON read back
// against the store point for point, --force, and the refusals (unknown run, no checkpoint, damaged
// checkpoint, a polynomial run as hf).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXPORT_MARKER,
  exportRun,
  MetricsDocumentSchema,
  type ExportRequest,
} from '../../src-main/checkpoints/export/index.js';
import { readCheckpoint } from '../../src-main/checkpoints/format.js';
import { decodeSafetensors } from '../../src-main/checkpoints/safetensors.js';
import {
  allEvents,
  allSeries,
  allSteps,
  createRun,
  latestCheckpoint,
  listCheckpoints,
} from '../../src-main/store/index.js';
import { mlmConfig, polynomialConfig, trainedRun, writeCorpus, type TrainedRun } from './fixture.js';

let mlm: TrainedRun;
let poly: TrainedRun;

beforeAll(async () => {
  const corpus = writeCorpus();
  mlm = await trainedRun(mlmConfig('pre', corpus));
  poly = await trainedRun(polynomialConfig);
});

const out = (t: TrainedRun, name: string) => join(t.root, name);
const request = (t: TrainedRun, more: Omit<ExportRequest, 'runId'>) =>
  exportRun(t.db, { runId: t.run.id, origin: 'cli', ...more });

describe('safetensors export', () => {
  it('copies the weights unchanged and documents every tensor', async () => {
    const result = await request(poly, { format: 'safetensors', out: out(poly, 'st') });
    expect(readdirSync(result.path).sort()).toEqual([
      EXPORT_MARKER, // what lets --force replace it later
      'README.md',
      'config.json',
      'model.safetensors',
      'name-map.json',
    ]);
    const checkpoint = latestCheckpoint(poly.db, poly.run.id)!;
    expect(result.checkpoints).toEqual([{ step: checkpoint.step }]);
    expect(readFileSync(join(result.path, 'model.safetensors'))).toEqual(
      readFileSync(join(checkpoint.path, 'model.safetensors')),
    );
    const map = JSON.parse(readFileSync(join(result.path, 'name-map.json'), 'utf8'));
    const weights = decodeSafetensors(readFileSync(join(result.path, 'model.safetensors'))).tensors;
    expect(map.model).toBe('residual-mlp');
    expect(Object.keys(map.tensors).sort()).toEqual([...weights.keys()].sort());
    for (const [name, t] of weights) expect(map.tensors[name].shape).toEqual(t.shape);
    expect(map.formulas.join(' ')).toMatch(/relu/);
  });

  it('maps an encoder tensor to its Hugging Face name, and takes --checkpoint STEP', async () => {
    const first = listCheckpoints(mlm.db, mlm.run.id)[0]!;
    const result = await request(mlm, {
      format: 'safetensors',
      out: out(mlm, 'st'),
      checkpoint: String(first.step),
    });
    expect(result.checkpoints).toEqual([{ step: first.step }]);
    expect(readdirSync(result.path)).toEqual(expect.arrayContaining(['tokenizer.json', 'vocab.txt']));
    const map = JSON.parse(readFileSync(join(result.path, 'name-map.json'), 'utf8'));
    expect(map.huggingFaceArchitecture).toBe('RobertaPreLayerNormForMaskedLM');
    expect(map.tensors['blocks.0.attn.q.w'].huggingFace).toEqual([
      { name: 'roberta_prelayernorm.encoder.layer.0.attention.self.query.weight', transform: 'transpose' },
    ]);
    expect(map.tensors['embed.positions'].huggingFace[0].transform).toBe('positions');
  });
});

describe('metrics export', () => {
  it('writes every point to the long CSV exactly, and one row per step to the wide CSV', async () => {
    const result = await request(mlm, { format: 'csv', out: out(mlm, 'csv') });
    const [header, ...rows] = readFileSync(join(result.path, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(header).toBe('run_id,key,step,value,wall_ms,flops,tokens');
    const stored = Object.entries(allSeries(mlm.db, mlm.run.id)).flatMap(([key, points]) =>
      points.map((p) => [mlm.run.id, key, p.step, p.value ?? NaN, p.wallMs, p.flops, p.tokens]),
    );
    const read = rows.map((line) => {
      const [id, key, ...numbers] = line.split(',');
      return [id, key, ...numbers.map(Number)];
    });
    expect(read).toEqual(stored);
    expect(result.points).toBe(stored.length);
    expect(read.some((r) => r[1] === 'eval/mlm_loss')).toBe(true);

    const [wideHeader, ...wideRows] = readFileSync(join(result.path, 'metrics-wide.csv'), 'utf8')
      .trim()
      .split('\n');
    const columns = wideHeader!.split(',');
    expect(columns.slice(0, 8)).toEqual([
      'step',
      'stage',
      'active',
      'mask',
      'wall_ms',
      'flops',
      'full_flops',
      'tokens',
    ]);
    expect(wideRows).toHaveLength(allSteps(mlm.db, mlm.run.id).length);
    const lossColumn = columns.indexOf('train/loss');
    const losses = allSeries(mlm.db, mlm.run.id)['train/loss']!;
    expect(wideRows.map((r) => Number(r.split(',')[lossColumn]))).toEqual(losses.map((p) => p.value));
  });

  it('writes the long CSV alone to a .csv path', async () => {
    const result = await request(mlm, { format: 'csv', out: out(mlm, 'only.csv') });
    expect(result.path.endsWith('only.csv')).toBe(true);
    expect(readFileSync(result.path, 'utf8')).toMatch(/^run_id,key,step/);
  });

  it('writes JSON that reads back to the same run, steps, series and events', async () => {
    const result = await request(mlm, { format: 'json', out: out(mlm, 'metrics.json') });
    const doc = MetricsDocumentSchema.parse(JSON.parse(readFileSync(result.path, 'utf8')));
    expect(doc.run).toEqual(mlm.run);
    expect(doc.steps).toEqual(allSteps(mlm.db, mlm.run.id));
    expect(doc.series).toEqual(allSeries(mlm.db, mlm.run.id));
    expect(doc.events.map((e) => [e.kind, e.step])).toEqual(
      allEvents(mlm.db, mlm.run.id).map((e) => [e.kind, e.step]),
    );
    expect(doc.checkpoints.map((c) => c.step)).toEqual(
      listCheckpoints(mlm.db, mlm.run.id).map((c) => c.step),
    );
  });
});

describe('refusals', () => {
  it('refuses an existing output without --force and replaces it with --force', async () => {
    const target = out(mlm, 'forced');
    await request(mlm, { format: 'hf', out: target });
    writeFileSync(join(target, 'stale.txt'), 'old');
    await expect(request(mlm, { format: 'hf', out: target })).rejects.toThrow(/already exists.*--force/);
    expect(existsSync(join(target, 'stale.txt'))).toBe(true);
    await request(mlm, { format: 'hf', out: target, force: true });
    expect(existsSync(join(target, 'stale.txt'))).toBe(false);
    expect(readdirSync(mlm.root).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('writes into an existing empty folder, and never replaces a folder holding folders', async () => {
    const empty = out(mlm, 'empty-dir');
    mkdirSync(empty);
    await request(mlm, { format: 'csv', out: empty });
    expect(readdirSync(empty).sort()).toEqual([EXPORT_MARKER, 'metrics-wide.csv', 'metrics.csv']);
    const project = out(mlm, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    await expect(request(mlm, { format: 'hf', out: project, force: true })).rejects.toThrow(
      /is not an export RaPTr Studio wrote/,
    );
    expect(readdirSync(project)).toEqual(['src']);
  });

  it('refuses an unknown run, a run without checkpoints and a missing step', async () => {
    await expect(
      exportRun(mlm.db, { runId: 'nosuchrun', format: 'json', out: out(mlm, 'x.json'), origin: 'cli' }),
    ).rejects.toThrow(/no run with id "nosuchrun"/);
    const empty = createRun(mlm.db, { name: 'empty', config: mlmConfig('pre', 'x'), appVersion: '0.1.0' });
    for (const format of ['hf', 'safetensors', 'bundle'] as const)
      await expect(
        exportRun(mlm.db, { runId: empty.id, format, out: out(mlm, `empty-${format}`), origin: 'cli' }),
      ).rejects.toThrow(/has no checkpoint/);
    await expect(request(mlm, { format: 'hf', out: out(mlm, 'nostep'), checkpoint: '999' })).rejects.toThrow(
      /no checkpoint at step 999 \(it has steps 3, 6\)/,
    );
    expect(existsSync(out(mlm, 'empty-hf'))).toBe(false);
  });

  it('refuses a polynomial run as hf and points to safetensors', async () => {
    await expect(request(poly, { format: 'hf', out: out(poly, 'hf') })).rejects.toThrow(
      /polynomial task.*--format safetensors/,
    );
    expect(existsSync(out(poly, 'hf'))).toBe(false);
  });

  it('refuses a tampered or truncated checkpoint on its sha256, writing nothing', async () => {
    const t = await trainedRun(polynomialConfig);
    const { path } = latestCheckpoint(t.db, t.run.id)!;
    const weights = join(path, 'model.safetensors');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(weights, bytes);
    await expect(request(t, { format: 'safetensors', out: out(t, 'st') })).rejects.toThrow(
      /model\.safetensors fails its sha256 check/,
    );
    writeFileSync(weights, bytes.subarray(0, 64));
    await expect(request(t, { format: 'bundle', out: out(t, 'b.raptr-bundle') })).rejects.toThrow(
      /truncated/,
    );
    writeFileSync(
      join(path, 'state.json'),
      readFileSync(join(path, 'state.json'), 'utf8').replace('"step"', '"step" '),
    );
    await expect(request(t, { format: 'safetensors', out: out(t, 'st') })).rejects.toThrow(
      /state\.json does not match/,
    );
    expect(existsSync(out(t, 'st'))).toBe(false);
    expect(existsSync(out(t, 'b.raptr-bundle'))).toBe(false);
    await expect(readCheckpoint(path)).rejects.toThrow();
  });
});
