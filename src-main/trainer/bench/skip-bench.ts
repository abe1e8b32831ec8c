// Measures what skipping blocks saves in wall time, and what threads give: full steps and subnetwork steps
// alternate in one process, and so do the thread counts asked for (so machine noise hits every variant
// alike), on the real training step (forward, backward, AdamW).
import { mustParseRunConfig } from '../../../shared/config/validate.js';
import { trainStepFlops } from '../../../shared/flops.js';
import { Rng } from '../../../shared/rng.js';
import { cpus, loadavg } from 'node:os';
import {
  releaseCpuThreads,
  resizeCpuThreads,
  selectBackend,
  type BackendRequest,
} from '../backend/select-backend.js';
import { countDispatches, dispatchCount } from '../backend/webgpu/dispatch-counter.js';
import { ParameterSet } from '../model/params.js';
import { BertEncoder } from '../model/transformer.js';
import { AdamW } from '../optim/adamw.js';
import type { StepMask } from '../subnet/index.js';
import { tf } from '../tf.js';
import { trainOnBatch } from '../train-loop.js';
import type { TaskBatch, TrainingTask } from '../tasks/types.js';

export interface SkipBenchOptions {
  layers: number;
  active: number;
  steps: number;
  warmup: number;
  dModel: number;
  heads: number;
  ffDim: number;
  seqLen: number;
  batchSize: number;
  vocabSize: number;
  backend: BackendRequest;
  /** CPU thread counts to measure, alternating step by step (the first also fills the top-level fields). */
  threads: number[];
  /** Use the relaxed-SIMD (FMA) kernels where the runtime has them. */
  relaxedSimd: boolean;
}

/** One thread count's figures: medians, and the fastest and slowest full step. */
export interface ThreadsResult {
  threads: number;
  device: string;
  full_ms: number;
  full_ms_min: number;
  full_ms_max: number;
  subnet_ms: number;
  gflops_per_s: number;
  subnet_gflops_per_s: number;
  /** This count's full step over the first count's (0.5: twice as fast). */
  full_vs_first: number;
  /**
   * CPU time this process used per full step (median, every thread; a waiting worker spins a little). On
   * a loaded machine, cpu_ms / (threads x full_ms) well below 1 says the threads did not get their cores.
   */
  full_cpu_ms: number;
}

export interface SkipBenchResult {
  backend: string;
  device: string;
  /** The WebGPU adapter (webgpu only). */
  adapter: { vendor: string; architecture: string; description: string } | null;
  shape: string;
  full_ms: number;
  subnet_ms: number;
  ratio: number;
  expected_ratio: number;
  gflops_per_s: number;
  subnet_gflops_per_s: number;
  steps: number;
  by_threads: ThreadsResult[];
  /** The 1-minute load average when the benchmark started and ended (other processes share the CPU). */
  load_avg: [number, number];
  /** Logical CPUs of this machine, and its CPU model. */
  cpus: number;
  cpu_model: string;
  /** GPU kernel dispatches per full and per subnetwork step (webgpu only). */
  dispatches_full: number | null;
  dispatches_subnet: number | null;
}

/** BERT-mini as in ENGINE-NOTES.md: d=128, 4 heads, ff=512, seq 64, batch 16, L=12, 6 of 12 active. */
export const BERT_MINI_BENCH: SkipBenchOptions = {
  layers: 12,
  active: 6,
  steps: 10,
  warmup: 2,
  dModel: 128,
  heads: 4,
  ffDim: 512,
  seqLen: 64,
  batchSize: 16,
  vocabSize: 8000,
  backend: 'auto',
  threads: [1],
  relaxedSimd: true,
};

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function maskOf(layers: number, active: number): StepMask {
  // First and last always run (the paper's fixed set); the rest are the lowest blocks: cost is what matters.
  const on = new Set([0, layers - 1, ...Array.from({ length: Math.max(0, active - 2) }, (_, i) => i + 1)]);
  const flags = Array.from({ length: layers }, (_, i) => on.has(i) && on.size <= active + 1);
  const count = flags.filter(Boolean).length;
  const a = Math.sqrt(layers / count);
  return {
    depth: layers,
    active: flags,
    scales: flags.map((f) => (f ? a : 1)),
    activeCount: count,
    scale: a,
  };
}

export async function benchSkip(options: SkipBenchOptions): Promise<SkipBenchResult> {
  const o = options;
  const loadAtStart = loadavg()[0]!;
  let backend = await selectBackend(o.backend, {
    cpu: { threads: o.threads[0]!, relaxedSimd: o.relaxedSimd },
  });
  const config = mustParseRunConfig({
    task: { kind: 'mlm' },
    model: {
      layers: o.layers,
      dModel: o.dModel,
      heads: o.heads,
      ffDim: o.ffDim,
      seqLen: o.seqLen,
      vocabSize: o.vocabSize,
    },
    policy: { kind: 'full' },
    training: { batchSize: o.batchSize, steps: o.steps + o.warmup },
  });
  const params = new ParameterSet(Rng.stream(0, 'init'));
  const model = new BertEncoder(config.model, params);
  const optimizer = new AdamW(params, config.optimizer);
  const rng = Rng.stream(0, 'bench-data');
  const tokens = o.batchSize * o.seqLen;
  const predicted = Math.round(tokens * 0.15);
  // Random tokens: the bench measures speed, not learning. Held-out batches come from their own stream.
  const randomBatch = (from: Rng) => {
    const ids = tf.tensor1d(
      Int32Array.from({ length: tokens }, () => from.int(o.vocabSize)),
      'int32',
    );
    const positions = tf.tensor1d(
      Int32Array.from({ length: predicted }, (_, i) => Math.floor((i * tokens) / predicted)),
      'int32',
    );
    const labels = tf.tensor1d(
      Int32Array.from({ length: predicted }, () => from.int(o.vocabSize)),
      'int32',
    );
    return {
      ids,
      positions,
      labels,
      examples: o.batchSize,
      tokens,
      predicted,
      dispose: () => tf.dispose([ids, positions, labels]),
    };
  };
  const task: TrainingTask<TaskBatch & { ids: tf.Tensor; positions: tf.Tensor; labels: tf.Tensor }> = {
    modelOverrides: {},
    facts: {},
    nextBatch: () => randomBatch(rng),
    heldOutBatches: (count) => {
      const heldOut = Rng.stream(0, 'bench-held-out');
      return Array.from({ length: count }, () => randomBatch(heldOut));
    },
    loss: (b, mask) => model.mlmLoss(model.hidden(b.ids, o.batchSize, mask), b),
    evaluate: async () => [],
    rngStates: () => ({}),
    restoreRngStates: () => {},
    dispose: () => {},
  };
  const full = maskOf(o.layers, o.layers);
  const subnet = maskOf(o.layers, o.active);
  const counting = backend.name === 'webgpu' && countDispatches();
  const dispatches = { full: 0, subnet: 0 };
  // A step ends with its loss read back, so the GPU's work is inside the time.
  const time = async (mask: StepMask, which: 'full' | 'subnet') => {
    const batch = task.nextBatch();
    const before = dispatchCount();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await trainOnBatch(task, params, optimizer, batch, mask, 1e-4, false);
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    dispatches[which] = dispatchCount() - before;
    batch.dispose();
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  const times = o.threads.map(() => ({
    device: '',
    full: [] as number[],
    subnet: [] as number[],
    fullCpu: [] as number[],
  }));
  for (let i = 0; i < o.warmup + o.steps; i++)
    for (const [k, threads] of o.threads.entries()) {
      backend = await resizeCpuThreads(backend, threads);
      times[k]!.device = backend.device;
      const f = await time(full, 'full');
      const s = await time(subnet, 'subnet');
      if (i >= o.warmup) {
        times[k]!.full.push(f.ms);
        times[k]!.fullCpu.push(f.cpuMs);
        times[k]!.subnet.push(s.ms);
      }
    }
  optimizer.dispose();
  params.dispose();
  await releaseCpuThreads();
  const fullMs = median(times[0]!.full);
  const subnetMs = median(times[0]!.subnet);
  const fullFlops = trainStepFlops(config, { activeBlocks: o.layers, predictedTokens: predicted });
  const subnetFlops = trainStepFlops(config, {
    activeBlocks: subnet.activeCount,
    predictedTokens: predicted,
  });
  const round = (x: number, digits = 3) => Number(x.toFixed(digits));
  const byThreads = o.threads.map((threads, k): ThreadsResult => {
    const { device, full: f, subnet: s, fullCpu } = times[k]!;
    return {
      threads,
      device,
      full_ms: round(median(f), 1),
      full_ms_min: round(Math.min(...f), 1),
      full_ms_max: round(Math.max(...f), 1),
      subnet_ms: round(median(s), 1),
      gflops_per_s: round(fullFlops / median(f) / 1e6, 2),
      subnet_gflops_per_s: round(subnetFlops / median(s) / 1e6, 2),
      full_vs_first: round(median(f) / fullMs),
      full_cpu_ms: round(median(fullCpu), 1),
    };
  });
  return {
    backend: backend.name,
    device: times[0]!.device,
    adapter: backend.adapter,
    shape: `L=${o.layers} d=${o.dModel} h=${o.heads} ff=${o.ffDim} S=${o.seqLen} B=${o.batchSize} V=${o.vocabSize}`,
    full_ms: round(fullMs, 1),
    subnet_ms: round(subnetMs, 1),
    ratio: round(subnetMs / fullMs),
    expected_ratio: round(subnetFlops / fullFlops),
    gflops_per_s: round(fullFlops / fullMs / 1e6, 2),
    subnet_gflops_per_s: round(subnetFlops / subnetMs / 1e6, 2),
    steps: o.steps,
    by_threads: byThreads,
    load_avg: [round(loadAtStart, 2), round(loadavg()[0]!, 2)],
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model.trim() ?? 'unknown',
    dispatches_full: counting ? dispatches.full : null,
    dispatches_subnet: counting ? dispatches.subnet : null,
  };
}
