// A synthetic trainer message stream, shaped like a RaPTr run (stages with growing active blocks, a noisy
// decaying loss, evals every N steps and at stage ends, checkpoints), for the store's benchmark and tests.
import type { TrainerMessage } from '../shared/trainer-protocol.js';

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

/** Small deterministic PRNG (mulberry32): the same options give the same stream. */
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

export function* trainerStream(options: StreamOptions): Generator<TrainerMessage> {
  const from = options.fromStep ?? 0;
  for (const message of everyMessage(options))
    if (!('step' in message) || message.step >= from) yield message;
}

function* everyMessage(options: StreamOptions): Generator<TrainerMessage> {
  const { steps, layers = 12, stageSizes = [6, 8, 10, 12], evalEvery = 200, checkpointEvery = 0 } = options;
  const rand = random(options.seed ?? 1);
  const flopsPerBlock = 2.5e9;
  const fixedFlops = 1.5e9;
  const tokensPerStep = 16 * 64;
  const stepMs = 40;
  let cumFlops = 0;
  let cumFullFlops = 0;
  for (let step = 0; step < steps; step++) {
    const stage = stageOf(step, steps, stageSizes.length);
    if (step === 0 || stage !== stageOf(step - 1, steps, stageSizes.length)) {
      const size = stageSizes[stage]!;
      yield {
        type: 'stage',
        step,
        stage: {
          index: stage,
          label: `stage ${stage + 1} of ${stageSizes.length}`,
          startStep: Math.ceil((stage * steps) / stageSizes.length),
          endStep: Math.ceil(((stage + 1) * steps) / stageSizes.length),
          p: (size - 2) / (layers - 2),
          expectedActive: size,
          fixed: [0, layers - 1],
          depth: layers,
        },
      };
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
    const stageEnd = stage !== stageOf(step + 1, steps, stageSizes.length) || step === steps - 1;
    if ((evalEvery > 0 && (step + 1) % evalEvery === 0) || stageEnd) {
      const evalLoss = 2.1 + 8 / Math.sqrt(1 + step / 50);
      const reason = step === steps - 1 ? 'final' : stageEnd ? 'stage-end' : 'periodic';
      yield {
        type: 'eval',
        step,
        stage,
        reason,
        results: [
          { name: 'eval/loss', value: evalLoss },
          { name: 'eval/accuracy', value: 1 / evalLoss },
        ],
      };
    }
    if (checkpointEvery > 0 && (step + 1) % checkpointEvery === 0) {
      yield {
        type: 'checkpoint',
        step,
        path: `/runs/ckpt-${step}`,
        bytes: 1000 + step,
        sha256: 'ab'.repeat(32),
      };
    }
  }
}
