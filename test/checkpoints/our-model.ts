// Our model's MLM logits for a checkpoint, computed by the trainer's own code (BertEncoder on the tfjs
// backend the run used), every block active with branch factor 1, as evaluation runs it.
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { Rng } from '../../shared/rng.js';
import { readCheckpoint } from '../../src-main/checkpoints/format.js';
import { decodeSafetensors } from '../../src-main/checkpoints/safetensors.js';
import { ParameterSet } from '../../src-main/trainer/model/params.js';
import { BertEncoder } from '../../src-main/trainer/model/transformer.js';
import type { StepMask } from '../../src-main/trainer/subnet/index.js';
import { tf, type Tensor } from '../../src-main/trainer/tf.js';

export interface OurModel {
  /** Logits [rows][seqLen][vocab] for rows of equal length, right-padded rows given by `lengths`. */
  logits(rows: number[][], lengths?: number[]): number[][][];
  hidden(rows: number[][], lengths?: number[]): number[][][];
  dispose(): void;
}

/** `depth`: run only the first blocks, as evaluation does for a gradual-stacking run before its last stage. */
export async function loadOurModel(checkpointPath: string, depth?: number): Promise<OurModel> {
  const { state, files } = await readCheckpoint(checkpointPath);
  const config = mustParseRunConfig(state.config);
  const params = new ParameterSet(Rng.stream(0, 'init'));
  const model = new BertEncoder(config.model, params);
  const values = new Map<string, Tensor>();
  for (const [name, t] of decodeSafetensors(files.get('model.safetensors')!).tensors)
    values.set(name, tf.tensor(t.data, t.shape));
  params.load(values);
  tf.dispose([...values.values()]);
  const L = config.model.layers;
  const D = depth ?? L;
  const mask: StepMask = {
    depth: D,
    active: Array.from({ length: L }, (_, i) => i < D),
    scales: Array.from({ length: L }, () => 1),
    activeCount: D,
    scale: 1,
  };
  const run = (rows: number[][], lengths: number[] | undefined, head: boolean) =>
    tf.tidy(() => {
      const S = rows[0]!.length;
      const ids = tf.tensor1d(rows.flat(), 'int32');
      const padded =
        S === config.model.seqLen && !lengths
          ? undefined
          : { seqLen: S, lengths: tf.tensor1d(lengths ?? rows.map(() => S), 'int32') };
      const hidden = model.hidden(ids, rows.length, mask, padded);
      const out = head ? model.mlmLogits(hidden, tf.range(0, rows.length * S, 1, 'int32')) : hidden;
      const width = out.shape[1]!;
      const flat = out.dataSync();
      return rows.map((_, r) =>
        Array.from({ length: S }, (_, p) =>
          Array.from(flat.subarray((r * S + p) * width, (r * S + p + 1) * width)),
        ),
      );
    });
  return {
    logits: (rows, lengths) => run(rows, lengths, true),
    hidden: (rows, lengths) => run(rows, lengths, false),
    dispose: () => params.dispose(),
  };
}
