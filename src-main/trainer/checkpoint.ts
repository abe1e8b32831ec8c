// Saving and restoring everything a run needs to continue exactly: weights, AdamW moments and step
// counts, the mask and data RNG states, the counters, and the transition window (format in
// checkpoints/format.ts). A run resumed from step k logs the same losses after k as one never stopped.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RngState } from '../../shared/rng.js';
import {
  CheckpointError,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointState,
  type WrittenCheckpoint,
} from '../checkpoints/format.js';
import { decodeSafetensors, encodeSafetensors } from '../checkpoints/safetensors.js';
import { APP_VERSION } from '../version.js';
import type { ParameterSet } from './model/params.js';
import type { AdamW, SlotState } from './optim/adamw.js';
import { tf, type Tensor } from './tf.js';
import type { TransitionTrackerState } from './transitions.js';
import { weightsAsArrays } from './weights.js';

export interface TrainingSnapshot {
  step: number;
  config: Record<string, unknown>;
  params: ParameterSet;
  optimizer: AdamW;
  masksRng: RngState;
  taskRng: Record<string, RngState>;
  counters: CheckpointState['counters'];
  transitions: TransitionTrackerState;
  evalLoss: number | null;
  /** Folder with tokenizer.json and vocab.txt to copy in (MLM runs). */
  tokenizerDir: string | null;
}

export async function saveCheckpoint(
  checkpointsDir: string,
  s: TrainingSnapshot,
): Promise<WrittenCheckpoint> {
  const optimizerState = await s.optimizer.exportState();
  const weights = await weightsAsArrays(s.params);
  const files = new Map<string, Uint8Array>([
    ['model.safetensors', encodeSafetensors(weights, { format: 'raptr-studio', step: String(s.step) })],
    [
      'optimizer.safetensors',
      encodeSafetensors(
        optimizerState.flatMap((slot) => {
          const shape = s.params.get(slot.name).shape;
          return [
            { name: `${slot.name}.m`, shape, data: slot.m },
            { name: `${slot.name}.v`, shape, data: slot.v },
          ];
        }),
      ),
    ],
  ]);
  if (s.tokenizerDir)
    for (const name of ['tokenizer.json', 'vocab.txt'])
      files.set(name, await readFile(join(s.tokenizerDir, name)));
  return writeCheckpoint(checkpointsDir, files, {
    step: s.step,
    config: s.config,
    rng: { masks: s.masksRng, task: s.taskRng },
    optimizerSteps: Object.fromEntries(optimizerState.map((slot) => [slot.name, slot.step])),
    counters: s.counters,
    transitions: s.transitions,
    evalLoss: s.evalLoss,
    appVersion: APP_VERSION,
  });
}

export interface RestoredTraining {
  state: CheckpointState;
  /** Applies the weights and optimizer state to a freshly built model of the same config. */
  apply(params: ParameterSet, optimizer: AdamW): void;
}

export async function loadCheckpoint(path: string, expectedSha256?: string): Promise<RestoredTraining> {
  const { state, files } = await readCheckpoint(path, expectedSha256);
  const weights = decodeSafetensors(files.get('model.safetensors')!).tensors;
  const moments = decodeSafetensors(files.get('optimizer.safetensors')!).tensors;
  return {
    state,
    apply(params, optimizer) {
      const values = new Map<string, Tensor>();
      for (const [name, t] of weights) values.set(name, tf.tensor(t.data, t.shape));
      try {
        params.load(values);
      } finally {
        tf.dispose([...values.values()]);
      }
      const slots: SlotState[] = Object.entries(state.optimizerSteps).map(([name, step]) => {
        const m = moments.get(`${name}.m`);
        const v = moments.get(`${name}.v`);
        if (!m || !v) throw new Error(`checkpoint ${path}: optimizer state for ${name} is missing`);
        return { name, step, m: m.data as Float32Array, v: v.data as Float32Array };
      });
      optimizer.importState(slots);
    },
  };
}

export interface CheckpointRef {
  path: string;
  sha256: string | null;
}

/**
 * Loads the newest of a run's checkpoints that verifies (newest first in `candidates`), telling `warn`
 * which ones were skipped and why. A damaged newest checkpoint costs the steps since the one before it,
 * not the run. Throws, naming every reason, when none verifies.
 */
export async function loadNewestVerified(
  candidates: readonly CheckpointRef[],
  warn: (message: string) => void,
): Promise<RestoredTraining> {
  const skipped: string[] = [];
  for (const candidate of candidates) {
    try {
      const restored = await loadCheckpoint(candidate.path, candidate.sha256 ?? undefined);
      if (skipped.length > 0)
        warn(`resuming from step ${restored.state.step}: skipped ${skipped.join('; ')}`);
      return restored;
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      skipped.push(error.message);
    }
  }
  throw new Error(`no checkpoint of this run verifies, so it cannot be resumed: ${skipped.join('; ')}`);
}
