// Comparing MLM runs measured two ways: a run recorded before [MASK]-at-every-target (its eval/mlm_loss
// used the training masking) and runs recorded after. Each run says how it measured the key, ratios link
// only runs measured alike and the answer says so; the training-masking loss compares them all.
import { describe, expect, it } from 'vitest';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { compareRuns } from '../../src-main/services/compare.js';
import { appendSeriesPoints, createRun, openDatabase, type Db } from '../../src-main/store/index.js';

/** A config as the run manager records it: validated, every default written out. */
const recorded = (input: Record<string, unknown>) =>
  mustParseRunConfig({ ...input, training: { steps: 300 } }) as unknown as Record<string, unknown>;

const mlm = (evalMasking: 'every-target' | 'training-rule', kind: 'full' | 'raptr') =>
  recorded({ task: { kind: 'mlm', evalMasking }, policy: { kind } });

/** A run with eval points at steps 99, 199, 299, costing `flopsPerStep` per step. */
function addRun(
  db: Db,
  name: string,
  config: Record<string, unknown>,
  flopsPerStep: number,
  series: Record<string, number[]>,
): string {
  const { id } = createRun(db, { name, config, appVersion: '0.1.0' });
  for (const [key, values] of Object.entries(series))
    appendSeriesPoints(db, {
      runId: id,
      key,
      points: values.map((value, i) => {
        const step = 100 * i + 99;
        return { step, value, wallMs: step * 10, flops: (step + 1) * flopsPerStep, tokens: step * 64 };
      }),
    });
  return id;
}

function studyDb() {
  const db = openDatabase(':memory:');
  const old = addRun(db, 'old full', mlm('training-rule', 'full'), 100, {
    'eval/mlm_loss': [6.4, 6.2, 6.0],
  });
  const full = addRun(db, 'new full', mlm('every-target', 'full'), 100, {
    'eval/mlm_loss': [6.6, 6.45, 6.3],
    'eval/mlm_loss_train_masking': [6.35, 6.15, 5.95],
  });
  const raptr = addRun(db, 'new raptr', mlm('every-target', 'raptr'), 75, {
    'eval/mlm_loss': [6.55, 6.4, 6.25],
    'eval/mlm_loss_train_masking': [6.3, 6.1, 5.9],
  });
  return { db, old, full, raptr };
}

describe('compare across held-out MLM definitions', () => {
  it('compares runs measured alike as before, saying how they were measured', () => {
    const { db, full, raptr } = studyDb();
    const result = compareRuns(db, { runIds: [full, raptr] });
    expect(result.key).toBe('eval/mlm_loss');
    expect(result.maskingNote).toBeNull();
    expect(result.target).toBe(6.3); // the highest best loss
    expect(result.runs.map((r) => [r.evalMasking, r.seriesKey, r.bestEvalLoss])).toEqual([
      ['every-target', 'eval/mlm_loss', 6.3],
      ['every-target', 'eval/mlm_loss', 6.25],
    ]);
    // full reaches 6.3 at step 299 (30,000 FLOPs); raptr crosses it two thirds of the way from 6.4 to 6.25.
    expect(result.runs[1]!.reach!.flops).toBeCloseTo(15_000 + (2 / 3) * 7_500);
    expect(result.runs[1]!.flopsRatio).toBeCloseTo(30_000 / 20_000);
  });

  it('links no ratio across the two definitions of eval/mlm_loss, and says so', () => {
    const { db, old, full, raptr } = studyDb();
    const result = compareRuns(db, { runIds: [old, full, raptr], atLoss: 6.45 });
    expect(result.runs.map((r) => r.evalMasking)).toEqual(['training-rule', 'every-target', 'every-target']);
    // Every run reached 6.45, but the old one on an easier definition: no ratio may link them.
    expect(result.runs.every((r) => r.reach !== null)).toBe(true);
    expect(result.runs.map((r) => r.flopsRatio)).toEqual([1, null, null]);
    expect(result.runs.map((r) => r.wallRatio)).toEqual([1, null, null]);
    expect(result.maskingNote).toBe(
      'eval/mlm_loss was measured two ways: training masking (old full) and [MASK] at every target (new full, new raptr). ' +
        'FLOPs and wall ratios link only runs measured like the first; eval/mlm_loss_train_masking compares ' +
        'them all on the training masking.',
    );
    expect(result.differences.map((d) => d.path)).toContain('task.evalMasking');
  });

  it('compares old and new runs on the training masking, reading each run where it keeps that figure', () => {
    const { db, old, full, raptr } = studyDb();
    const result = compareRuns(db, { runIds: [old, full, raptr], key: 'eval/mlm_loss_train_masking' });
    expect(result.maskingNote).toBeNull();
    expect(result.runs.map((r) => [r.seriesKey, r.evalMasking, r.bestEvalLoss])).toEqual([
      ['eval/mlm_loss', null, 6.0],
      ['eval/mlm_loss_train_masking', null, 5.95],
      ['eval/mlm_loss_train_masking', null, 5.9],
    ]);
    expect(result.target).toBe(6.0);
    expect(result.runs.map((r) => r.flopsRatio)).toEqual([1, expect.any(Number), expect.any(Number)]);
    expect(result.runs[1]!.flopsRatio).toBeGreaterThan(1); // new full got to 6.0 before step 299
  });

  it('reads a run recorded without the field as measured with the training masking', () => {
    const db = openDatabase(':memory:');
    const config = mlm('every-target', 'full');
    delete (config.task as Record<string, unknown>).evalMasking; // as an earlier version wrote it
    const bare = addRun(db, 'no field', config, 100, { 'eval/mlm_loss': [6.4, 6.2] });
    const poly = addRun(db, 'poly', recorded({ task: { kind: 'polynomial' } }), 100, {
      'eval/loss': [0.5, 0.2],
    });
    expect(compareRuns(db, { runIds: [bare] }).runs[0]!.evalMasking).toBe('training-rule');
    const polynomial = compareRuns(db, { runIds: [poly] });
    expect([polynomial.key, polynomial.runs[0]!.evalMasking, polynomial.maskingNote]).toEqual([
      'eval/loss',
      null,
      null,
    ]);
  });
});
