// Reads, samples and encodes the probes a run asks for (built-in corpora, the sentiment sentences, a
// labelled file), once per run and before the first step, so a bad labelled file fails early.
import type { MlmTask } from '../../../../shared/config/schema.js';
import { Rng } from '../../../../shared/rng.js';
import type { WordPieceTokenizer } from '../tokenizer/wordpiece.js';
import { probeBaselines } from './baselines.js';
import { encodeTextsForProbe } from './encode-texts.js';
import { labelledFileProbe } from './labelled-file.js';
import type { PreparedProbe, ProbeSplit } from './prepared.js';
import { sentimentProbe } from './sentiment.js';
import { sotuEraProbe, sotuPartyProbe } from './sotu-probes.js';
import { labelsOf, type LabelledText, type ProbeDataset } from './types.js';

/** Rows per forward pass when embedding probe texts: larger batches amortise per-op overhead. */
const EMBED_BATCH = 32;

function subsample(items: LabelledText[], max: number, rng: Rng): LabelledText[] {
  return items.length <= max ? items : rng.sample(items, max);
}

/** Sorts texts by length (less padding), encodes them, and trims each batch to its longest row. */
function encodeSplit(tokenizer: WordPieceTokenizer, texts: LabelledText[], seqLen: number): ProbeSplit {
  const lengths = texts.map((t) => tokenizer.encode(t.text, { addSpecialTokens: false }).length);
  const order = texts.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const sorted = order.map((i) => texts[i]!);
  const batches = encodeTextsForProbe(
    tokenizer,
    sorted.map((t) => t.text),
    seqLen,
    EMBED_BATCH,
  ).map((b) => {
    const rows = b.count;
    const S = Math.max(...Array.from(b.lengths.subarray(0, rows)));
    const inputIds = new Int32Array(rows * S);
    for (let r = 0; r < rows; r++) inputIds.set(b.inputIds.subarray(r * b.seqLen, r * b.seqLen + S), r * S);
    return { inputIds, lengths: b.lengths.slice(0, rows), rows, seqLen: S };
  });
  return { texts: sorted, labels: labelsOf(sorted), batches };
}

async function datasets(task: MlmTask, seed: number): Promise<ProbeDataset[]> {
  const { probes } = task;
  const sotu = { seed, passagesPerSpeech: probes.passagesPerSpeech };
  const out: ProbeDataset[] = [];
  if (probes.era) out.push(sotuEraProbe(sotu));
  if (probes.sentiment) out.push(sentimentProbe());
  if (probes.party) out.push(sotuPartyProbe(sotu));
  if (probes.custom) {
    const { path, name, textField, labelField } = probes.custom;
    out.push(await labelledFileProbe(path, { name, seed, textField, labelField }));
  }
  return out;
}

export async function prepareProbes(
  task: MlmTask,
  tokenizer: WordPieceTokenizer,
  seqLen: number,
  seed: number,
): Promise<PreparedProbe[]> {
  if (task.probes.when === 'never') return [];
  const rng = Rng.stream(seed, 'probes/sample');
  return (await datasets(task, seed)).map((full) => {
    const dataset = {
      ...full,
      train: subsample(full.train, task.probes.maxTrain, rng),
      test: subsample(full.test, task.probes.maxTest, rng),
    };
    return {
      name: dataset.name,
      classes: dataset.classes,
      baselines: probeBaselines(dataset),
      train: encodeSplit(tokenizer, dataset.train, seqLen),
      test: encodeSplit(tokenizer, dataset.test, seqLen),
    };
  });
}
