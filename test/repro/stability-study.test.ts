// The `stability` study: its plan is valid and what the issue asks for (full, RaPTr and PLD for the
// heatmaps; equal against adaptive RaPTr on every seed), and the numbers it reads back from a real tiny run
// are the recorded ones (drop losses at the last evaluation, forecast and realized jump at each change).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PldPolicy, RunConfigInput } from '../../shared/config/schema.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { pldMeanExpectedActive } from '../../shared/pld.js';
import { dropBlockKey, STABILITY_KEYS } from '../../shared/stability.js';
import { runStudy } from '../../src-main/repro/runner.js';
import { stability } from '../../src-main/repro/stability.js';
import {
  evalAgainstFlops,
  finalDrops,
  forecastRows,
  innerDropShare,
  lossAtFlops,
} from '../../src-main/repro/stability-numbers.js';
import type { Study } from '../../src-main/repro/study.js';
import { evalSeries, listEvents, listRuns, openDatabase } from '../../src-main/store/index.js';

describe('the stability study plan', () => {
  it('trains full and PLD once, equal and adaptive RaPTr on every seed, all valid configs', () => {
    const plan = stability.plan({ quick: false, seeds: 0 });
    expect(plan.map((r) => r.name)).toEqual([
      'stability bert-mini full seed 0',
      'stability bert-mini raptr seed 0',
      'stability bert-mini raptr seed 1',
      'stability bert-mini pld seed 0',
      'stability bert-mini raptr-adaptive seed 0',
      'stability bert-mini raptr-adaptive seed 1',
    ]);
    const configs = plan.map((r) => mustParseRunConfig(r.config));
    expect(configs.map((c) => c.policy.kind)).toEqual(['full', 'raptr', 'raptr', 'pld', 'raptr', 'raptr']);
    const lengths = configs.map((c) => (c.policy.kind === 'raptr' ? c.policy.schedule.lengths : null));
    expect(lengths).toEqual([null, 'equal', 'equal', null, 'adaptive', 'adaptive']);
    for (const c of configs) {
      expect(c.training.steps).toBe(1500);
      expect(c.training.stability?.enabled ?? true).toBe(true);
    }
    expect(stability.plan({ quick: true, seeds: 3 })).toHaveLength(8);
  });

  it('takes --steps and --eval-every: every run that length, twenty evaluations unless told, PLD matched to it', () => {
    expect(stability.takesSteps).toBe(true);
    const configs = stability
      .plan({ quick: false, seeds: 0, steps: 500 })
      .map((r) => mustParseRunConfig(r.config));
    for (const c of configs) {
      expect(c.training.steps).toBe(500);
      expect(c.training.evalEvery).toBe(25);
    }
    // PLD is matched to RaPTr 6-8-10-12's mean of 9 active blocks over the shorter run, not the default's.
    const pld = configs.find((c) => c.policy.kind === 'pld')!.policy as PldPolicy;
    expect(pldMeanExpectedActive(pld, 12, 500)).toBeCloseTo(9, 3);
    // --eval-every: fewer evaluations, each with the monitor.
    for (const r of stability.plan({ quick: false, seeds: 0, steps: 400, evalEvery: 50 }))
      expect(mustParseRunConfig(r.config).training).toMatchObject({ steps: 400, evalEvery: 50 });
    // --steps overrides --quick's length too: a short study is still the study, not a smoke run.
    expect(
      mustParseRunConfig(stability.plan({ quick: true, seeds: 0, steps: 300 })[0]!.config).training.steps,
    ).toBe(300);
  });
});

describe('the numbers the study reads', () => {
  it('interpolates a loss between evaluations on the FLOPs axis, and refuses to extrapolate', () => {
    const points = [
      { flops: 100, value: 4 },
      { flops: 200, value: 3 },
      { flops: 400, value: 2 },
    ];
    expect(lossAtFlops(points, 150)).toBeCloseTo(3.5);
    expect(lossAtFlops(points, 300)).toBeCloseTo(2.5);
    expect(lossAtFlops(points, 400)).toBe(2);
    expect(lossAtFlops(points, 50)).toBeNull();
    expect(lossAtFlops(points, 401)).toBeNull();
  });

  it('match what a real tiny RaPTr run recorded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raptr-study-'));
    const config = {
      name: 'tiny seed 0',
      task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
      model: { layers: 4, dModel: 16, ffDim: 16 },
      policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
      optimizer: { lr: 3e-3 },
      training: { batchSize: 32, steps: 60, evalEvery: 10, seed: 5, backend: 'wasm', transitionWindow: 5 },
    } satisfies RunConfigInput;
    let read: unknown;
    const tiny: Study = {
      name: 'tiny-stability',
      title: 'tiny',
      plan: () => [{ name: 'tiny seed 0', config }],
      async run(ctx) {
        const [id] = await ctx.train(tiny.plan(ctx));
        read = {
          final: finalDrops(ctx.db, id!),
          rows: forecastRows(ctx.db, id!),
          curve: evalAgainstFlops(ctx.db, id!, 'eval/loss'),
        };
        return '';
      },
    };
    const databasePath = join(dir, 'raptr.db');
    await runStudy(tiny, {
      databasePath,
      outDir: join(dir, 'out'),
      quick: false,
      seeds: 1,
      reuse: false,
      log: () => {},
    });
    const { final, rows, curve } = read as {
      final: ReturnType<typeof finalDrops>;
      rows: ReturnType<typeof forecastRows>;
      curve: ReturnType<typeof evalAgainstFlops>;
    };
    const db = openDatabase(databasePath);
    const [run] = listRuns(db, { tag: 'study:tiny-stability' });
    const stored = evalSeries(db, run!.id, 'stability/');

    expect(final!.step).toBe(59);
    expect(final!.fullLoss).toBe(stored[STABILITY_KEYS.fullLoss]!.at(-1)!.value);
    expect(final!.drops).toEqual([0, 1, 2, 3].map((i) => stored[dropBlockKey(i)]!.at(-1)!.value));
    expect(innerDropShare(final!)).toBeCloseTo(
      (final!.drops[1]! + final!.drops[2]!) / 2 / final!.fullLoss,
      10,
    );

    const transitions = listEvents(db, run!.id, { kinds: ['transition'] }).map(
      (e) => e.payload as { step: number; lossBefore: number; lossAfter: number; forecast: { gap: number } },
    );
    expect(rows.map((r) => r.step)).toEqual([20, 40]);
    rows.forEach((row, i) => {
      expect(row.realized).toBeCloseTo(transitions[i]!.lossAfter - transitions[i]!.lossBefore, 10);
      expect(row.gap).toBe(transitions[i]!.forecast.gap);
      expect(row.trend).not.toBeNull(); // 10 steps before each change hold two windows of 5
    });
    // One point per evaluation, cumulative FLOPs rising.
    expect(curve).toHaveLength(evalSeries(db, run!.id)['eval/loss']!.length);
    expect(curve.every((p, i) => i === 0 || p.flops > curve[i - 1]!.flops)).toBe(true);
  });
});
