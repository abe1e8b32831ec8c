// Everything a run needs to continue exactly, read off the device as plain arrays (weights, AdamW moments
// and step counts, the mask and data RNG states, the counters, the transition window, the stage schedule),
// and put back into
// a freshly built model. No files here: the engine's I/O stores the contents (checkpoint.ts in Node; the
// GPU route's utility process for the renderer), so the same engine runs where no file can be written.
import type { StageScheduleState } from '../../shared/adaptive-schedule.js';
import type { RngState } from '../../shared/rng.js';
import type { CheckpointStateDraft } from '../checkpoints/state.js';
import type { NamedArray } from '../checkpoints/safetensors.js';
import type { ParameterSet } from './model/params.js';
import type { AdamW, SlotState } from './optim/adamw.js';
import { tf, type Tensor } from './tf.js';
import type { TransitionTrackerState } from './transitions.js';

/** What a checkpoint's state.json holds besides its file list and the app version (added when written). */
export type CheckpointDraft = Omit<CheckpointStateDraft, 'appVersion'>;

export interface CheckpointContents {
  state: CheckpointDraft;
  /** model.safetensors: the weights by parameter name. */
  weights: NamedArray[];
  /** optimizer.safetensors: AdamW's moments, `<name>.m` and `<name>.v`. */
  moments: NamedArray[];
}

export interface TrainingSnapshot {
  step: number;
  config: Record<string, unknown>;
  params: ParameterSet;
  optimizer: AdamW;
  masksRng: RngState;
  taskRng: Record<string, RngState>;
  counters: CheckpointDraft['counters'];
  transitions: TransitionTrackerState;
  /** The run's StageSchedule state (shared/adaptive-schedule.ts). */
  schedule: StageScheduleState;
  evalLoss: number | null;
}

export async function weightsAsArrays(params: ParameterSet): Promise<NamedArray[]> {
  return Promise.all(
    params.all().map(async (p) => ({
      name: p.name,
      shape: p.variable.shape,
      data: (await p.variable.data()) as Float32Array,
    })),
  );
}

/** Reads the snapshot off the device (the only readbacks of a checkpoint). */
export async function snapshotContents(s: TrainingSnapshot): Promise<CheckpointContents> {
  const optimizerState = await s.optimizer.exportState();
  return {
    state: {
      step: s.step,
      config: s.config,
      rng: { masks: s.masksRng, task: s.taskRng },
      optimizerSteps: Object.fromEntries(optimizerState.map((slot) => [slot.name, slot.step])),
      counters: s.counters,
      transitions: s.transitions,
      schedule: s.schedule,
      evalLoss: s.evalLoss,
    },
    weights: await weightsAsArrays(s.params),
    moments: optimizerState.flatMap((slot) => {
      const shape = s.params.get(slot.name).shape;
      return [
        { name: `${slot.name}.m`, shape, data: slot.m },
        { name: `${slot.name}.v`, shape, data: slot.v },
      ];
    }),
  };
}

/** Applies the weights and optimizer state to a freshly built model of the same config. */
export function applyContents(
  contents: CheckpointContents,
  params: ParameterSet,
  optimizer: AdamW,
  where: string,
): void {
  const values = new Map<string, Tensor>();
  for (const w of contents.weights) values.set(w.name, tf.tensor(w.data, w.shape));
  try {
    params.load(values);
  } finally {
    tf.dispose([...values.values()]);
  }
  const moments = new Map(contents.moments.map((m) => [m.name, m]));
  const slots: SlotState[] = Object.entries(contents.state.optimizerSteps).map(([name, step]) => {
    const m = moments.get(`${name}.m`);
    const v = moments.get(`${name}.v`);
    if (!m || !v) throw new Error(`checkpoint ${where}: optimizer state for ${name} is missing`);
    return { name, step, m: m.data as Float32Array, v: v.data as Float32Array };
  });
  optimizer.importState(slots);
}
