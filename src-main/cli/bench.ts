// `raptr bench ...`: speed measurements, each printing exactly one JSON object on stdout.
import type { Command } from 'commander';
import type { BackendRequest } from '../trainer/backend/select-backend.js';
import { benchSkip, BERT_MINI_BENCH } from '../trainer/bench/skip-bench.js';
import { benchmarkData } from '../trainer/data/benchmark.js';
import { benchStore } from '../../bench/store.js';
import { InputError } from './input-error.js';

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0)
      throw new InputError([`${flag}: expected a whole number > 0, got "${value}"`]);
    return n;
  };
}

const BACKENDS = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
function backend(value: string): BackendRequest {
  if (!BACKENDS.includes(value))
    throw new InputError([`--backend: expected one of ${BACKENDS.join(', ')}, got "${value}"`]);
  return value as BackendRequest;
}

export function registerBench(program: Command): void {
  const bench = program.command('bench').description('measure speed; each benchmark prints one JSON object');
  bench
    .command('skip')
    .description('full vs subnetwork training steps, alternating in one process: what skipping blocks saves')
    .option('--layers <n>', 'blocks in the model', positiveInt('--layers'), BERT_MINI_BENCH.layers)
    .option(
      '--active <n>',
      'blocks that run in the subnetwork step',
      positiveInt('--active'),
      BERT_MINI_BENCH.active,
    )
    .option(
      '--steps <n>',
      'measured step pairs (after 2 warm-up pairs)',
      positiveInt('--steps'),
      BERT_MINI_BENCH.steps,
    )
    .option('--d-model <n>', 'hidden size', positiveInt('--d-model'), BERT_MINI_BENCH.dModel)
    .option('--heads <n>', 'attention heads', positiveInt('--heads'), BERT_MINI_BENCH.heads)
    .option('--ff <n>', 'MLP width', positiveInt('--ff'), BERT_MINI_BENCH.ffDim)
    .option('--seq <n>', 'sequence length', positiveInt('--seq'), BERT_MINI_BENCH.seqLen)
    .option('--batch <n>', 'batch size', positiveInt('--batch'), BERT_MINI_BENCH.batchSize)
    .option('--vocab <n>', 'vocabulary size', positiveInt('--vocab'), BERT_MINI_BENCH.vocabSize)
    .option('--backend <name>', 'auto | tensorflow | webgpu | wasm | cpu', backend, 'auto')
    .action(async (o: Record<string, number> & { backend: BackendRequest }) => {
      if (o.active! > o.layers!)
        throw new InputError([`--active ${o.active} is more than --layers ${o.layers}`]);
      const result = await benchSkip({
        ...BERT_MINI_BENCH,
        layers: o.layers!,
        active: o.active!,
        steps: o.steps!,
        dModel: o.dModel!,
        heads: o.heads!,
        ffDim: o.ff!,
        seqLen: o.seq!,
        batchSize: o.batch!,
        vocabSize: o.vocab!,
        backend: o.backend,
      });
      process.stdout.write(`${JSON.stringify(result)}\n`);
    });
  bench
    .command('data')
    .description('the built-in corpus: tokenizer training seconds, encode MB/s, MLM batches/s')
    .action(async () => {
      process.stdout.write(`${JSON.stringify(await benchmarkData())}\n`);
    });
  bench
    .command('store')
    .description('the run database: ingest points/s, and ms to bucket a 1M-point series on every x-axis')
    .action(async () => {
      process.stdout.write(`${JSON.stringify(await benchStore())}\n`);
    });
  bench
    .command('step')
    .description(
      'the BERT-mini step (d=128, 4 heads, ff=512, seq 64, batch 16, L=12): full vs 6 of 12 blocks',
    )
    .option('--steps <n>', 'measured step pairs', positiveInt('--steps'), BERT_MINI_BENCH.steps)
    .option('--backend <name>', 'auto | tensorflow | webgpu | wasm | cpu', backend, 'auto')
    .action(async (o: { steps: number; backend: BackendRequest }) => {
      process.stdout.write(
        `${JSON.stringify(await benchSkip({ ...BERT_MINI_BENCH, steps: o.steps, backend: o.backend }))}\n`,
      );
    });
}
