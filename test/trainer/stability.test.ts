// The stability monitor: per-block drop losses and the transition forecast at every evaluation. It must
// not change training, must be repeatable, must measure what it says, and its forecast must see the jumps.
import { describe, expect, it } from 'vitest';
import { StageSchedule } from '../../shared/adaptive-schedule.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { Rng } from '../../shared/rng.js';
import { dropBlockKey, STABILITY_KEYS } from '../../shared/stability.js';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { selectBackend } from '../../src-main/trainer/backend/select-backend.js';
import { StabilityMonitor } from '../../src-main/trainer/eval/stability.js';
import { ParameterSet } from '../../src-main/trainer/model/params.js';
import type { TaskBatch, TrainingTask } from '../../src-main/trainer/tasks/types.js';
import { createPolynomialTask } from '../../src-main/trainer/tasks/polynomial.js';
import { tf } from '../../src-main/trainer/tf.js';
import { trainMessages } from './train-messages.js';

const polynomial = (label: string, seed: number, stability?: unknown) => ({
  task: {
    kind: 'polynomial',
    inputDim: 12,
    terms: [{ support: [0] }, { support: [1, 2] }, { support: [3, 4, 5] }],
  },
  model: { layers: 6, dModel: 32, ffDim: 32 },
  policy: { kind: 'raptr', schedule: { label } },
  optimizer: { lr: 3e-3 },
  training: {
    batchSize: 64,
    steps: 360,
    evalEvery: 30,
    seed,
    backend: 'wasm',
    transitionWindow: 10,
    ...(stability === undefined ? {} : { stability }),
  },
});

const run = (config: unknown) => trainMessages(config);

const steps = (ms: TrainerMessage[]) =>
  ms.flatMap((m) => (m.type === 'step' ? [[m.step, m.loss, m.mask, m.cumFlops] as const] : []));
const evals = (ms: TrainerMessage[]) => ms.flatMap((m) => (m.type === 'eval' ? [m] : []));
const stabilityOf = (m: Extract<TrainerMessage, { type: 'eval' }>) =>
  Object.fromEntries(m.results.filter((r) => r.name.startsWith('stability/')).map((r) => [r.name, r.value]));

describe('stability monitor in a run', () => {
  it('trains exactly as without it, gives the same numbers every time, and forecasts in every stage but the last', async () => {
    const withMonitor = await run(polynomial('2-4-6', 0));
    const without = await run(polynomial('2-4-6', 0, { enabled: false }));
    expect(steps(withMonitor)).toEqual(steps(without));
    expect(evals(without).every((e) => Object.keys(stabilityOf(e)).length === 0)).toBe(true);
    expect(evals(await run(polynomial('2-4-6', 0)))).toEqual(evals(withMonitor));

    for (const e of evals(withMonitor)) {
      const values = stabilityOf(e);
      expect(Object.keys(values)).toEqual(
        expect.arrayContaining([STABILITY_KEYS.fullLoss, ...[0, 1, 2, 3, 4, 5].map(dropBlockKey)]),
      );
      const lastStage = e.stage === 2;
      expect(STABILITY_KEYS.nextStageGap in values).toBe(!lastStage);
      if (!lastStage)
        expect(values[STABILITY_KEYS.nextStageGap]).toBeCloseTo(
          values[STABILITY_KEYS.nextStageLoss]! - values[STABILITY_KEYS.stageLoss]!,
          6,
        );
    }
    // The first and last blocks carry the input and the output: dropping either costs the most.
    const last = stabilityOf(evals(withMonitor).at(-1)!);
    const middle = Math.max(...[1, 2, 3, 4].map((i) => last[dropBlockKey(i)]!));
    expect(last[dropBlockKey(0)]).toBeGreaterThan(middle);
    expect(last[dropBlockKey(5)]).toBeGreaterThan(middle);
  });

  // The realized jump is the mean train loss over the 10 steps after a change minus the 10 before it; it
  // also holds 10 steps of ongoing descent and batch noise, so a forecast of a few percent says nothing
  // about its sign. Stated tolerance: wherever the forecast gap is at least 10% of the stage's expected
  // loss, the realized jump has its sign. (Over 4 seeds x 3 schedules of this setting, 10 of 10 such
  // changes agreed in sign; their sizes differed by up to 5x either way: rises were forecast larger than
  // realized, as the new stage's first steps already learn, drops smaller, as the descent goes on.)
  it('forecasts the sign of the jump at every change it calls large (|gap| >= 10% of the loss)', async () => {
    const checked: string[] = [];
    for (const [label, seed] of [
      ['2-4-6', 0],
      ['4-5-6', 0],
      ['2-4-6', 3],
    ] as const) {
      for (const m of await run(polynomial(label, seed))) {
        if (m.type !== 'transition') continue;
        expect(m.forecast).not.toBeNull();
        const forecast = m.forecast!;
        expect(forecast.step).toBe(m.step - 1); // measured at the old stage's last step
        if (Math.abs(forecast.gap) < 0.1 * forecast.stageLoss) continue;
        checked.push(`${label} seed ${seed} at ${m.step}`);
        expect(Math.sign(m.lossAfter - m.lossBefore)).toBe(Math.sign(forecast.gap));
      }
    }
    // Adding never-trained blocks (2-4-6 runs only the fixed blocks in stage 1) is forecast as a rise.
    expect(checked).toEqual(expect.arrayContaining(['2-4-6 seed 0 at 120', '2-4-6 seed 3 at 120']));
    expect(checked.length).toBeGreaterThanOrEqual(3);
  });
});

describe('drop losses', () => {
  it('are exactly 0 for a block whose output is zero, under full training (a = 1), and leak no tensors', async () => {
    await selectBackend('wasm');
    const config = mustParseRunConfig({ ...polynomial('2-4-6', 1), policy: { kind: 'full' } });
    if (config.task.kind !== 'polynomial') throw new Error('polynomial expected');
    const params = new ParameterSet(Rng.stream(1, 'init'));
    const task = createPolynomialTask(config.task, config.model, 64, 1, params) as TrainingTask<TaskBatch>;
    for (const name of ['blocks.2.mlp.out.w', 'blocks.2.mlp.out.b']) {
      const variable = params.get(name);
      variable.assign(tf.zerosLike(variable));
    }
    const monitor = StabilityMonitor.create(config, task)!;
    try {
      const tensors = tf.memory().numTensors;
      const { results, forecast } = await monitor.measure(10, new StageSchedule(config).stages);
      expect(tf.memory().numTensors).toBe(tensors);
      const value = (name: string) => results.find((r) => r.name === name)!.value;
      expect(value(dropBlockKey(2))).toBe(0);
      expect(value(dropBlockKey(1))).not.toBe(0);
      expect(forecast).toBeNull();
      expect(results.map((r) => r.name)).not.toContain(STABILITY_KEYS.nextStageGap);
    } finally {
      monitor.dispose();
      params.dispose();
    }
  });
});
