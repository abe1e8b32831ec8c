// What an export needs to know about a verified checkpoint: its run config (validated again, as the
// trainer would), how many blocks the model has at that step, its weights by our parameter names, and the
// tokenizer files of an MLM run.
import { mustParseRunConfig } from '../../../shared/config/validate.js';
import type { RunConfig } from '../../../shared/config/schema.js';
import { planStages, stageIndexAt } from '../../../shared/schedule.js';
import type { LoadedCheckpoint } from '../format.js';
import { decodeSafetensors, type NamedArray } from '../safetensors.js';
import { ExportError } from './errors.js';

export interface CheckpointModel {
  step: number;
  config: RunConfig;
  /**
   * Blocks the model runs at this step: model.layers, except for a gradual-stacking run checkpointed before
   * its last stage, whose top blocks are not grown yet (evaluation runs the first `depth` blocks only).
   */
  depth: number;
  weights: Map<string, NamedArray>;
  /** tokenizer.json and vocab.txt, for MLM runs. */
  tokenizer: { json: Buffer; vocab: Buffer } | null;
}

export function checkpointModel(loaded: LoadedCheckpoint, path: string): CheckpointModel {
  let config: RunConfig;
  try {
    config = mustParseRunConfig(loaded.state.config);
  } catch (error) {
    throw new ExportError(
      'bad-checkpoint',
      `checkpoint ${path}: its run config is not valid for this version of RaPTr Studio (${(error as Error).message.split('\n')[0]})`,
      { cause: error },
    );
  }
  const model = loaded.files.get('model.safetensors');
  if (!model) throw new ExportError('bad-checkpoint', `checkpoint ${path}: model.safetensors is missing`);
  const weights = decodeSafetensors(model).tensors;
  const json = loaded.files.get('tokenizer.json');
  const vocab = loaded.files.get('vocab.txt');
  const step = loaded.state.step;
  return {
    step,
    config,
    depth: depthAt(config, step),
    weights,
    tokenizer: json && vocab ? { json, vocab } : null,
  };
}

function depthAt(config: RunConfig, step: number): number {
  const stages = planStages(config);
  // A checkpoint at step k was written after k steps: the model is that of step k - 1's stage.
  return stages[stageIndexAt(stages, Math.max(0, step - 1))]!.depth;
}

/** A weight by our name, checked against the shape the config implies. */
export function weight(model: CheckpointModel, name: string, shape: readonly number[]): Float32Array {
  const found = model.weights.get(name);
  if (!found) throw new ExportError('bad-checkpoint', `the checkpoint has no weight named ${name}`);
  if (found.shape.join() !== shape.join())
    throw new ExportError(
      'bad-checkpoint',
      `weight ${name} has shape [${found.shape}], the run config implies [${shape}]`,
    );
  if (!(found.data instanceof Float32Array))
    throw new ExportError('bad-checkpoint', `weight ${name} is not float32`);
  return found.data;
}
