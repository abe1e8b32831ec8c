// Training batches: random windows of the packed training tokens, drawn with the data RNG, whose state is
// all there is to save for an exact resume. Held-out batches: a fixed list of consecutive windows masked
// with their own fresh RNG, so every evaluation sees exactly the same inputs and targets.
import { Rng, type RngState } from '../../../../shared/rng.js';
import type { TokenSource } from '../tokens/token-source.js';
import { fillWindow, maskBatch, type MaskingOptions, type MlmBatch } from './batch.js';

export interface BatchShape {
  batchSize: number;
  seqLen: number;
}

export class TrainBatcher {
  private rng: Rng;

  constructor(
    private readonly source: TokenSource,
    private readonly shape: BatchShape,
    private readonly masking: MaskingOptions,
    seed: number,
  ) {
    this.rng = Rng.stream(seed, 'data');
  }

  next(): MlmBatch {
    const { batchSize, seqLen } = this.shape;
    const inputIds = new Int32Array(batchSize * seqLen);
    const starts = this.source.length - (seqLen - 2) + 1;
    for (let row = 0; row < batchSize; row++)
      fillWindow(this.source, this.rng.int(starts), row, seqLen, inputIds);
    return { batchSize, seqLen, inputIds, ...maskBatch(inputIds, batchSize, seqLen, this.rng, this.masking) };
  }

  /** Save with a checkpoint; restoring it makes next() continue exactly where it was. */
  rngState(): RngState {
    return this.rng.state();
  }

  restore(state: RngState): void {
    this.rng = Rng.fromState(state);
  }
}

export class HeldOutBatches {
  /** Full batches of consecutive, non-overlapping windows (a trailing partial window is dropped). */
  readonly batchCount: number;

  constructor(
    private readonly source: TokenSource,
    private readonly shape: BatchShape,
    private readonly masking: MaskingOptions,
    private readonly seed: number,
  ) {
    const windows = Math.floor(source.length / (shape.seqLen - 2));
    this.batchCount = Math.floor(windows / shape.batchSize);
  }

  /** The first min(n, batchCount) held-out batches: identical on every call. */
  batches(n: number = this.batchCount): MlmBatch[] {
    return [...this.iterate(n)];
  }

  /** The same batches one at a time, for passes over a held-out split too big to hold at once. */
  *iterate(n: number = this.batchCount): Generator<MlmBatch> {
    const { batchSize, seqLen } = this.shape;
    const rng = Rng.stream(this.seed, 'data/held-out');
    for (let b = 0; b < Math.min(n, this.batchCount); b++) {
      const inputIds = new Int32Array(batchSize * seqLen);
      for (let row = 0; row < batchSize; row++) {
        fillWindow(this.source, (b * batchSize + row) * (seqLen - 2), row, seqLen, inputIds);
      }
      yield { batchSize, seqLen, inputIds, ...maskBatch(inputIds, batchSize, seqLen, rng, this.masking) };
    }
  }
}
