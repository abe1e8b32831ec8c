// A synthetic trainer message stream, shaped like a RaPTr run (stages with growing active blocks, a noisy
// decaying loss, transitions, evals every N steps and at stage ends, checkpoints), for the store's benchmark
// and tests. Deterministic: the same options give the same messages.
import type { StagePlan, TrainerMessage } from '../shared/trainer-protocol.js';
import type { TransitionIngest } from '../src-main/store/ingest/messages.js';

/** What a trainer sends, the stage-transition record included. */
export type StreamMessage = TrainerMessage | TransitionIngest;
/** Steps averaged on each side of a stage boundary in a transition record. */
export const TRANSITION_WINDOW = 20;

export interface StreamOptions {
  steps: number;
  /** Blocks in the model. */
  layers?: number;
  /** Active blocks per stage; stages split the steps equally. */
  stageSizes?: number[];
  evalEvery?: number;
  checkpointEvery?: number;
  /** First step to emit (a resumed run starts after its checkpoint); earlier steps are computed, not emitted. */
  fromStep?: number;
  seed?: number;
}

/** Small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function stageOf(step: number, steps: number, stages: number): number {
  return Math.min(stages - 1, Math.floor((step * stages) / steps));
}

export function* trainerStream(options: StreamOptions): Generator<StreamMessage> {
  const from = options.fromStep ?? 0;
  for (const message of everyMessage(options))
    if (!('step' in message) || message.step >= from) yield message;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

function* everyMessage(options: StreamOptions): Generator<StreamMessage> {
  const { steps, layers = 12, stageSizes = [6, 8, 10, 12], evalEvery = 200, checkpointEvery = 0 } = options;
  const stages = stageSizes.length;
  const rand = random(options.seed ?? 1);
  const [flopsPerBlock, fixedFlops, tokensPerStep, stepMs] = [2.5e9, 1.5e9, 16 * 64, 40];
  let cumFlops = 0;
  let cumFullFlops = 0;
  let stageLosses: number[] = [];
  let open: { step: number; fromStage: number; before: number[] } | null = null;
  for (let step = 0; step < steps; step++) {
    const stage = stageOf(step, steps, stages);
    if (step === 0 || stage !== stageOf(step - 1, steps, stages)) {
      yield { type: 'stage', step, stage: plan(stage, steps, stageSizes, layers) };
      if (step > 0) open = { step, fromStage: stage - 1, before: stageLosses.slice(-TRANSITION_WINDOW) };
      stageLosses = [];
    }
    let mask = '';
    for (let block = 0; block < layers; block++) {
      const fixed = block === 0 || block === layers - 1;
      mask += fixed || rand() < (stageSizes[stage]! - 2) / (layers - 2) ? '1' : '0';
    }
    const active = mask.split('1').length - 1;
    const stepFlops = fixedFlops + flopsPerBlock * active;
    cumFlops += stepFlops;
    cumFullFlops += fixedFlops + flopsPerBlock * layers;
    const loss = 2 + 8 / Math.sqrt(1 + step / 50) + (rand() - 0.5) * 0.4;
    stageLosses.push(loss);
    yield {
      type: 'step',
      step,
      stage,
      lr: 1e-3 * Math.min(1, (step + 1) / 100),
      loss,
      mask,
      active,
      scale: Math.sqrt(layers / active),
      stepFlops,
      cumFlops,
      cumFullFlops,
      tokens: (step + 1) * tokensPerStep,
      stepMs: stepMs + rand() * 5,
      examplesPerSec: 16000 / stepMs,
      wallMs: (step + 1) * stepMs,
    };
    const stageEnd = stage !== stageOf(step + 1, steps, stages) || step === steps - 1;
    if (open && (stageLosses.length === TRANSITION_WINDOW || stageEnd)) {
      const window = Math.min(open.before.length, stageLosses.length);
      yield {
        type: 'transition',
        step: open.step,
        fromStage: open.fromStage,
        toStage: stage,
        window,
        lossBefore: mean(open.before.slice(-window)),
        lossAfter: mean(stageLosses.slice(0, window)),
        lastBefore: open.before.at(-1)!,
        firstAfter: stageLosses[0]!,
      };
      open = null;
    }
    if ((evalEvery > 0 && (step + 1) % evalEvery === 0) || stageEnd) {
      const evalLoss = 2.1 + 8 / Math.sqrt(1 + step / 50);
      const reason = step === steps - 1 ? 'final' : stageEnd ? 'stage-end' : 'periodic';
      const results = [
        { name: 'eval/loss', value: evalLoss },
        { name: 'eval/accuracy', value: 1 / evalLoss },
      ];
      yield { type: 'eval', step, stage, reason, results };
    }
    if (checkpointEvery > 0 && (step + 1) % checkpointEvery === 0) {
      yield {
        type: 'checkpoint',
        step,
        path: `/runs/ckpt-${step}`,
        bytes: 1000 + step,
        sha256: 'ab'.repeat(32),
        evalLoss: null,
      };
    }
  }
}

function plan(stage: number, steps: number, stageSizes: number[], layers: number): StagePlan {
  const size = stageSizes[stage]!;
  return {
    index: stage,
    label: `stage ${stage + 1} of ${stageSizes.length}`,
    startStep: Math.ceil((stage * steps) / stageSizes.length),
    endStep: Math.ceil(((stage + 1) * steps) / stageSizes.length),
    p: (size - 2) / (layers - 2),
    expectedActive: size,
    fixed: [0, layers - 1],
    depth: layers,
  };
}
