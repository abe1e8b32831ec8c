// `npm run bench:stability`: what the stability monitor costs. The same short BERT-mini RaPTr run (the
// bert-mini-raptr preset, fewer steps, an evaluation every `evalEvery` steps) trains with the monitor off
// and on, alternately, in one process; the difference in training wall time divided by the evaluations is
// the monitor's cost per evaluation. From it and the measured step and evaluation times, the share of wall
// time the monitor adds to the preset's own run (2000 steps, an evaluation every 250 and at every stage
// end) is projected: the target is at most 10%. Prints one JSON object.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findPreset } from '../shared/config/presets.js';
import { mustParseRunConfig } from '../shared/config/validate.js';
import { StageSchedule } from '../shared/adaptive-schedule.js';
import type { TrainerMessage } from '../shared/trainer-protocol.js';
import { trainInNode } from '../src-main/trainer/node-engine.js';

const { values: flags } = parseArgs({
  options: {
    steps: { type: 'string', default: '240' },
    'eval-every': { type: 'string', default: '60' },
    pairs: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
  },
});
const whole = (name: string, text: string | undefined) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: expected a whole number > 0, got ${text}`);
  return n;
};
const steps = whole('steps', flags.steps);
const evalEvery = whole('eval-every', flags['eval-every']);
const pairs = whole('pairs', flags.pairs);

const preset = findPreset('bert-mini-raptr')!.config;
const cacheDir = join(tmpdir(), 'raptr-bench-cache');
mkdirSync(cacheDir, { recursive: true });

interface Timed {
  /** Training wall time (set-up excluded), ms. */
  wallMs: number;
  evals: number;
  /** Mean of the steps' own time, ms. */
  stepMs: number;
}

async function timeRun(stability: boolean): Promise<Timed> {
  const config = {
    ...preset,
    task: { ...(preset.task as object), probes: { when: 'never' } },
    training: {
      ...preset.training,
      steps,
      evalEvery,
      backend: flags.backend,
      stability: { enabled: stability },
    },
  };
  const messages: TrainerMessage[] = [];
  await trainInNode(config, {
    emit: (m) => messages.push(m),
    control: { stopRequested: () => false, checkpointRequested: () => false },
    outDir: null,
    resume: null,
    cacheDir,
    telemetryMs: 0,
  });
  const done = messages.find((m) => m.type === 'done');
  const stepMs = messages.flatMap((m) => (m.type === 'step' ? [m.stepMs] : []));
  return {
    wallMs: done?.type === 'done' ? done.wallMs : Number.NaN,
    evals: messages.filter((m) => m.type === 'eval').length,
    stepMs: stepMs.reduce((a, b) => a + b, 0) / stepMs.length,
  };
}

/** Evaluations a run of this config makes: every evalEvery steps, at each stage end and at the end. */
function evaluationsOf(config: ReturnType<typeof mustParseRunConfig>): number {
  const { steps: total, evalEvery: every } = config.training;
  const ends = new Set(new StageSchedule(config).stages.map((s) => s.endStep));
  let count = 0;
  for (let completed = 1; completed <= total; completed++)
    if (ends.has(completed) || (every > 0 && completed % every === 0)) count++;
  return count;
}

const off: Timed[] = [];
const on: Timed[] = [];
for (let i = 0; i < pairs; i++) {
  off.push(await timeRun(false));
  on.push(await timeRun(true));
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const evals = on[0]!.evals;
const monitorMsPerEval = (mean(on.map((r) => r.wallMs)) - mean(off.map((r) => r.wallMs))) / evals;
const stepMs = mean(off.map((r) => r.stepMs));
// Everything in a run off the monitor that is not a step: the evaluations (and the loop's own bookkeeping).
const evalMs = (mean(off.map((r) => r.wallMs)) - stepMs * steps) / evals;

const presetConfig = mustParseRunConfig(preset);
const presetEvals = evaluationsOf(presetConfig);
const presetWallOff = presetConfig.training.steps * stepMs + presetEvals * evalMs;
const round = (x: number) => Number(x.toFixed(3));
process.stdout.write(
  `${JSON.stringify({
    run: { preset: 'bert-mini-raptr', steps, evalEvery, evaluations: evals, backend: flags.backend, pairs },
    wallMs: { off: off.map((r) => Math.round(r.wallMs)), on: on.map((r) => Math.round(r.wallMs)) },
    measured: {
      stepMs: round(stepMs),
      evalMsWithoutMonitor: round(evalMs),
      monitorMsPerEval: round(monitorMsPerEval),
      addedShareOfThisRun: round(mean(on.map((r) => r.wallMs)) / mean(off.map((r) => r.wallMs)) - 1),
    },
    projectedForPreset: {
      steps: presetConfig.training.steps,
      evalEvery: presetConfig.training.evalEvery,
      evaluations: presetEvals,
      addedShare: round((presetEvals * monitorMsPerEval) / presetWallOff),
      target: 0.1,
    },
  })}\n`,
);
