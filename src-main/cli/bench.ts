// `raptr bench ...`: speed measurements, each printing exactly one JSON object on stdout.
import type { Command } from 'commander';
import { MAX_THREADS } from '../../shared/config/schema.js';
import type { BackendRequest } from '../trainer/backend/select-backend.js';
import { backendFlag } from './backend-flag.js';
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

/** "1,2,4": the thread counts to measure, each a whole number from 1 to MAX_THREADS, none twice. */
function threadList(value: string): number[] {
  const counts = value.split(',').map((part) => Number(part.trim()));
  const bad = counts.find((n) => !Number.isInteger(n) || n < 1 || n > MAX_THREADS);
  if (bad !== undefined || value.trim() === '')
    throw new InputError([
      `--threads: expected whole numbers from 1 to ${MAX_THREADS} separated by commas, got "${value}"`,
    ]);
  if (new Set(counts).size !== counts.length)
    throw new InputError([`--threads: "${value}" lists a count twice`]);
  return counts;
}

interface CpuFlags {
  threads: number[];
  relaxedSimd: boolean;
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
    .option('--backend <name>', 'auto | tensorflow | webgpu | wasm | cpu', backendFlag, 'auto')
    .option(
      '--threads <list>',
      'CPU thread counts to measure, e.g. 1,2,4 (alternating step by step)',
      threadList,
      [1],
    )
    .option('--no-relaxed-simd', 'the plain SIMD kernels, without fused multiply-add')
    .action(async (o: Record<string, number> & CpuFlags & { backend: BackendRequest }) => {
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
        threads: o.threads,
        relaxedSimd: o.relaxedSimd,
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
    .option('--backend <name>', 'auto | tensorflow | webgpu | wasm | cpu', backendFlag, 'auto')
    .option(
      '--threads <list>',
      'CPU thread counts to measure, e.g. 1,2,4 (alternating step by step)',
      threadList,
      [1],
    )
    .option('--no-relaxed-simd', 'the plain SIMD kernels, without fused multiply-add')
    .action(async (o: CpuFlags & { steps: number; backend: BackendRequest }) => {
      const options = { ...BERT_MINI_BENCH, steps: o.steps, backend: o.backend, threads: o.threads };
      process.stdout.write(
        `${JSON.stringify(await benchSkip({ ...options, relaxedSimd: o.relaxedSimd }))}\n`,
      );
    });
}
