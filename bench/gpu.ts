// `npm run bench:gpu`: the GPU path on this machine's GPU, beside wasm on the same machine, in one
// process, written to one JSON file. BERT-mini (full and 6 of 12 blocks) on wasm and on webgpu, plus a
// BERT-base shape on webgpu (d=768, 12 heads, ff=3072, seq 128, batch 32, L=12), and the targets:
// BERT-mini full step <= 20 ms and >= 25x the wasm step, the 6-of-12 step <= 0.6x the full step, and the
// BERT-base step at >= 20% of the GPU's fp32 peak (known for common GPUs, or --peak-tflops).
// Without a real GPU adapter it records why and measures wasm only (--allow-software runs BERT-mini on a
// software adapter too: a correctness smoke, not a speed figure).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeAdapter } from '../src-main/trainer/backend/webgpu/adapter.js';
import { requestNodeAdapter } from '../src-main/trainer/backend/webgpu/dawn-node.js';
import { gpuDriverHint } from '../src-main/trainer/backend/webgpu/driver-hint.js';
import { benchSkip, BERT_MINI_BENCH, type SkipBenchOptions } from '../src-main/trainer/bench/skip-bench.js';
import { APP_VERSION } from '../src-main/version.js';

const BERT_BASE: SkipBenchOptions = {
  ...BERT_MINI_BENCH,
  dModel: 768,
  heads: 12,
  ffDim: 3072,
  seqLen: 128,
  batchSize: 32,
  vocabSize: 30522,
  steps: 5,
};

/** Dense fp32 peak (TFLOP/s, boost clock, no tensor cores) of common GPUs, by adapter description. */
const FP32_PEAK_TFLOPS: Array<[RegExp, number]> = [
  [/H100.*(SXM|HBM3)/i, 66.9],
  [/H100/i, 51.2],
  [/A100/i, 19.5],
  [/L40S/i, 91.6],
  [/L4\b/i, 30.3],
  [/A10\b/i, 31.2],
  [/RTX 4090/i, 82.6],
  [/RTX 3090/i, 35.6],
  [/V100/i, 15.7],
  [/T4\b/i, 8.1],
];

const { values: flags } = parseArgs({
  options: {
    out: { type: 'string', default: `bench-gpu-${new Date().toISOString().slice(0, 10)}.json` },
    steps: { type: 'string', default: '10' },
    'peak-tflops': { type: 'string' },
    'allow-software': { type: 'boolean', default: false },
  },
});
const steps = Number(flags.steps);
if (!Number.isInteger(steps) || steps <= 0)
  throw new Error(`--steps: expected a whole number > 0, got ${flags.steps}`);

const adapter = await requestNodeAdapter().catch((error: Error) => error);
const facts = adapter && !(adapter instanceof Error) ? describeAdapter(adapter) : null;
const why =
  adapter instanceof Error
    ? `WebGPU did not start: ${adapter.message}`
    : !facts
      ? `no WebGPU adapter; ${gpuDriverHint()}`
      : facts.software
        ? `only a software adapter (${facts.description}); ${gpuDriverHint()}`
        : null;
const onGpu = why === null;

const wasm = await benchSkip({ ...BERT_MINI_BENCH, steps, backend: 'wasm' });
const webgpu =
  onGpu || (facts && flags['allow-software'])
    ? await benchSkip({ ...BERT_MINI_BENCH, steps, backend: 'webgpu' })
    : null;
const base = onGpu ? await benchSkip({ ...BERT_BASE, backend: 'webgpu' }) : null;

const peak =
  flags['peak-tflops'] !== undefined
    ? Number(flags['peak-tflops'])
    : (FP32_PEAK_TFLOPS.find(([name]) => facts && name.test(facts.description))?.[1] ?? null);
const round = (x: number) => Number(x.toFixed(3));
const targets =
  webgpu && onGpu
    ? {
        bert_mini_full_ms: { value: webgpu.full_ms, target: '<= 20', met: webgpu.full_ms <= 20 },
        speedup_over_wasm: {
          value: round(wasm.full_ms / webgpu.full_ms),
          target: '>= 25',
          met: wasm.full_ms / webgpu.full_ms >= 25,
        },
        subnet_ratio: { value: webgpu.ratio, target: '<= 0.6', met: webgpu.ratio <= 0.6 },
        bert_base_fraction_of_fp32_peak:
          base && peak
            ? {
                value: round(base.gflops_per_s / (peak * 1000)),
                peak_tflops: peak,
                target: '>= 0.2',
                met: base.gflops_per_s / (peak * 1000) >= 0.2,
              }
            : { value: null, target: '>= 0.2', met: null, note: 'fp32 peak unknown: pass --peak-tflops' },
      }
    : null;

const result = {
  app: APP_VERSION,
  date: new Date().toISOString(),
  adapter: facts,
  gpu: onGpu,
  why_no_gpu: why,
  wasm_bert_mini: wasm,
  webgpu_bert_mini: webgpu,
  webgpu_bert_base: base,
  targets,
};
const out = resolve(flags.out!);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify({ written: out, gpu: onGpu, why_no_gpu: why, targets })}\n`);
