// The Hugging Face export, proven without Python: an independent safetensors reader checks the file
// (header, offsets, dtypes) against config.json, and an independent float64 implementation of
// BertForMaskedLM / RobertaPreLayerNormForMaskedLM run on the exported folder reproduces our model's
// outputs (computed by the trainer's own BertEncoder) for several token sequences.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportRun } from '../../src-main/checkpoints/export/index.js';
import { latestCheckpoint, listCheckpoints } from '../../src-main/store/index.js';
import { mlmConfig, trainedRun, writeCorpus, type TrainedRun } from './fixture.js';
import { loadOurModel, type OurModel } from './our-model.js';
import { HfReferenceModel, type HfConfig } from './reference/hf-forward.js';
import { readSafetensorsIndependently, type ReferenceFile } from './reference/safetensors-reader.js';

function maxDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let max = 0;
  a.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) max = Math.max(max, Math.abs(row[j]! - b[i]![j]!));
  });
  return max;
}

describe.each(['post', 'pre'] as const)('Hugging Face export of a %s-LN model', (norm) => {
  let trained: TrainedRun;
  let folder: string;
  let config: HfConfig & Record<string, unknown>;
  let file: ReferenceFile;
  let ours: OurModel;
  let reference: HfReferenceModel;

  beforeAll(async () => {
    const corpus = writeCorpus();
    trained = await trainedRun(mlmConfig(norm, corpus));
    folder = join(trained.root, 'hf');
    await exportRun(trained.db, { runId: trained.run.id, format: 'hf', out: folder, origin: 'cli' });
    config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    file = readSafetensorsIndependently(readFileSync(join(folder, 'model.safetensors')));
    ours = await loadOurModel(latestCheckpoint(trained.db, trained.run.id)!.path);
    reference = new HfReferenceModel(config, file.tensors);
  });

  it('names the architecture and the shapes in config.json', () => {
    const bert = norm === 'post';
    expect(config).toMatchObject({
      model_type: bert ? 'bert' : 'roberta-prelayernorm',
      architectures: [bert ? 'BertForMaskedLM' : 'RobertaPreLayerNormForMaskedLM'],
      hidden_act: 'gelu_new',
      layer_norm_eps: 1e-12,
      hidden_size: 16,
      num_hidden_layers: 2,
      num_attention_heads: 2,
      intermediate_size: 32,
      // RoBERTa positions start at padding_idx + 1: one more row than our seqLen.
      max_position_embeddings: bert ? 12 : 13,
      type_vocab_size: 2,
      pad_token_id: 0,
      tie_word_embeddings: true,
    });
    expect(config.vocab_size).toBeGreaterThan(20);
  });

  it('writes model.safetensors an independent reader accepts, float32, shaped as config.json says', () => {
    expect(file.metadata).toEqual({ format: 'pt' });
    const { vocab_size: V, hidden_size: d, intermediate_size: ff, max_position_embeddings: P } = config;
    const base = norm === 'post' ? 'bert' : 'roberta_prelayernorm';
    const expected: Record<string, number[]> = {
      [`${base}.embeddings.word_embeddings.weight`]: [V, d],
      [`${base}.embeddings.position_embeddings.weight`]: [P, d],
      [`${base}.embeddings.token_type_embeddings.weight`]: [2, d],
      [`${base}.encoder.layer.1.attention.self.query.weight`]: [d, d],
      [`${base}.encoder.layer.1.intermediate.dense.weight`]: [ff, d],
      [`${base}.encoder.layer.1.output.dense.weight`]: [d, ff],
      [norm === 'post' ? 'cls.predictions.bias' : 'lm_head.bias']: [V],
    };
    for (const [name, shape] of Object.entries(expected))
      expect(file.tensors.get(name)?.shape, name).toEqual(shape);
    for (const [name, t] of file.tensors) expect(t.dtype, name).toBe('F32');
    // 2 layers of 16 (BERT) or 14 + 2 LayerNorm (RoBERTa) tensors, plus embeddings and head.
    expect(file.tensors.size).toBe(norm === 'post' ? 5 + 2 * 16 + 5 : 5 + 2 * 16 + 2 + 5);
    for (const name of file.tensors.keys()) expect(name).not.toMatch(/decoder|position_ids|pooler/);
  });

  const sequences = (V: number) => {
    const ordinary = (i: number) => 5 + ((i * 7 + 3) % (V - 5));
    return [
      Array.from({ length: 12 }, (_, i) => ordinary(i)),
      [2, ordinary(1), ordinary(4), 4, ordinary(9), ordinary(2), 3],
      [2, 4, 4, ordinary(5), 3],
    ];
  };

  it('matches our model: logits (BERT) or hidden states and logits (RoBERTa-PreLayerNorm) within 1e-4', () => {
    let worstHidden = 0;
    let worstLogits = 0;
    for (const ids of sequences(config.vocab_size)) {
      const mine = ours.logits([ids])[0]!;
      if (norm === 'post') {
        worstLogits = Math.max(worstLogits, maxDiff(reference.logits(ids), mine));
        continue;
      }
      worstHidden = Math.max(worstHidden, maxDiff(reference.hidden(ids), ours.hidden([ids])[0]!));
      // RobertaPreLayerNormLMHead hard-codes the erf GELU; our pre-LN head trains with the same one.
      worstLogits = Math.max(worstLogits, maxDiff(reference.logits(ids), mine));
    }
    console.log(
      `${norm}-LN reference vs ours: logits ${worstLogits.toExponential(2)}` +
        (norm === 'pre' ? `, hidden ${worstHidden.toExponential(2)}` : ''),
    );
    expect(worstLogits).toBeLessThan(1e-4);
    expect(worstHidden).toBeLessThan(1e-4);
  });

  it('matches on a right-padded batch with an attention mask', () => {
    const [full] = sequences(config.vocab_size);
    const short = [...full!.slice(0, 8), 0, 0, 0, 0];
    const mine = ours.logits([full!, short], [12, 8]);
    const theirs = reference.logits(
      short,
      short.map((_, i) => (i < 8 ? 1 : 0)),
    );
    expect(maxDiff(theirs.slice(0, 8), mine[1]!.slice(0, 8))).toBeLessThan(1e-4);
    expect(maxDiff(reference.logits(full!), mine[0]!)).toBeLessThan(1e-4);
  });
});

describe('Hugging Face export of a gradual-stacking run before its last stage', () => {
  it('exports the blocks the model has at that step, and they compute what the model computes', async () => {
    const base = mlmConfig('post', writeCorpus());
    const trained = await trainedRun({
      ...base,
      name: 'stacking',
      policy: { kind: 'stacking', label: '1-2' },
    });
    const early = listCheckpoints(trained.db, trained.run.id).find((c) => c.step === 3)!;
    const folder = join(trained.root, 'hf-stacking');
    await exportRun(trained.db, {
      runId: trained.run.id,
      format: 'hf',
      out: folder,
      checkpoint: '3',
      origin: 'cli',
    });
    const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
    expect(config.num_hidden_layers).toBe(1);
    expect(readFileSync(join(folder, 'README.md'), 'utf8')).toMatch(/1 of\s+its final 2 blocks/);
    const file = readSafetensorsIndependently(readFileSync(join(folder, 'model.safetensors')));
    expect([...file.tensors.keys()].some((n) => n.includes('layer.1.'))).toBe(false);
    const ids = [2, 9, 14, 4, 30, 3];
    const ours = await loadOurModel(early.path, 1);
    expect(
      maxDiff(new HfReferenceModel(config, file.tensors).logits(ids), ours.logits([ids])[0]!),
    ).toBeLessThan(1e-4);
  });
});
