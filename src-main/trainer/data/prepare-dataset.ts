// An MLM run's data, prepared where the files are: the corpus tokenized (cached), the unigram
// baseline, and the probes encoded with the run's tokenizer. The Node trainer hands it to the engine as
// it is; the GPU route's utility process sends it to the renderer (gpu-route/data-transfer.ts).
import type { MlmTask } from '../../../shared/config/schema.js';
import type { MlmDataset, MlmDataShape } from './mlm/dataset.js';
import { prepareProbes } from './probes/prepare-probes.js';
import { prepareMlmData } from './prepare.js';
import type { TokenFiles } from './tokens/encode-corpus.js';

export interface PreparedMlm extends MlmDataset {
  /** The token files behind the splits. */
  tokenFiles: TokenFiles;
}

export async function prepareMlmDataset(
  task: MlmTask,
  shape: MlmDataShape,
  cacheDir: string,
  log: (message: string) => void,
): Promise<PreparedMlm> {
  const data = await prepareMlmData(task, {
    ...shape,
    cacheDir,
    onProgress: (p) => {
      if (p.phase === 'fingerprint') log(`reading corpus ${p.corpus}`);
    },
  });
  try {
    return {
      corpusLabel: data.corpusLabel,
      fingerprint: data.fingerprint,
      vocabSize: data.vocabSize,
      tokenizerDir: data.tokenizerDir,
      tokenizerFromCache: data.fromCache.tokenizer,
      train: { source: data.train.source, documents: data.train.documents },
      heldOut: { source: data.heldOut.source, documents: data.heldOut.documents },
      unigramLogProbs: data.unigramLogProbs,
      // Probe texts, their encodings and baselines are fixed for the run: prepared once, up front, so a
      // bad labelled file fails before the first step.
      probes: await prepareProbes(task, data.tokenizer, shape.seqLen, shape.seed),
      tokenFiles: data.tokenFiles,
      close: () => data.close(),
    };
  } catch (error) {
    data.close();
    throw error;
  }
}
