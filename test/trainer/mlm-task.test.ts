// Masked language modelling end to end on the built-in corpus, at toy size: the evals the issue names
// (MLM loss and accuracy, the unigram line, probes with both baselines), transition records, and data
// errors that stop a run before its first step.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { trainInNode } from '../../src-main/trainer/node-engine.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'raptr-cache-'));

const toy = {
  task: {
    kind: 'mlm',
    tokenizer: { vocabSize: 600 },
    evalBatches: 2,
    probes: { passagesPerSpeech: 1, maxTrain: 64, maxTest: 32 },
  },
  model: { layers: 4, dModel: 32, heads: 2, ffDim: 64, seqLen: 32 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  optimizer: { lr: 3e-3 },
  training: { batchSize: 8, steps: 45, evalEvery: 0, seed: 1, backend: 'wasm', transitionWindow: 5 },
};

async function run(config: unknown): Promise<TrainerMessage[]> {
  const messages: TrainerMessage[] = [];
  await trainInNode(config, {
    emit: (m) => messages.push(m),
    control: { stopRequested: () => false, checkpointRequested: () => false },
    resume: null,
    outDir: null,
    cacheDir,
  });
  return messages;
}

describe('masked language modelling', () => {
  it('reports MLM loss, accuracy, the unigram line, probes with baselines, and transitions', async () => {
    const messages = await run(toy);
    const evals = messages.flatMap((m) => (m.type === 'eval' ? [m] : []));
    expect(evals.map((e) => e.reason)).toEqual(['stage-end', 'stage-end', 'final']);
    const names = evals.at(-1)!.results.map((r) => r.name);
    for (const probe of ['era', 'sentiment', 'party'])
      for (const suffix of ['acc', 'baseline', 'bow'])
        expect(names).toContain(`eval/${probe}_probe_${suffix}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'eval/mlm_loss',
        'eval/mlm_acc',
        'eval/mlm_loss_train_masking',
        'eval/mlm_unigram_loss',
        'eval/mlm_most_frequent_acc',
        'eval/mlm_top_token_share',
      ]),
    );
    for (const r of evals.at(-1)!.results) expect(Number.isFinite(r.value)).toBe(true);
    const transitions = messages.filter((m) => m.type === 'transition');
    expect(transitions).toHaveLength(2);
    expect(transitions[0]).toMatchObject({ step: 15, fromStage: 0, toStage: 1, window: 5 });
    const start = messages.find((m) => m.type === 'start');
    expect(
      start?.type === 'start' && (start.config as { model: { vocabSize: number } }).model.vocabSize,
    ).toBe(600);
    const losses = messages.flatMap((m) => (m.type === 'step' ? [m.loss] : []));
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  });

  it('fails before the first step on a labelled set with a single class, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raptr-probe-'));
    const path = join(dir, 'one-class.jsonl');
    writeFileSync(path, '{"text": "a b c", "label": "x"}\n{"text": "d e f", "label": "x"}\n');
    const config = { ...toy, task: { ...toy.task, probes: { ...toy.task.probes, custom: { path } } } };
    const messages: TrainerMessage[] = [];
    await expect(
      trainInNode(config, {
        emit: (m) => messages.push(m),
        control: { stopRequested: () => false, checkpointRequested: () => false },
        resume: null,
        outDir: null,
        cacheDir,
      }),
    ).rejects.toThrow(/one-class\.jsonl.*two classes/);
    expect(messages.some((m) => m.type === 'step')).toBe(false);
  });
});
