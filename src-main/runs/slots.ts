// Where runs may train at the same time: one run per GPU, and CPU runs sharing the cores. A CPU (wasm)
// trainer runs its kernels on as many threads as it is given, so concurrent CPU runs split the cores
// instead of oversubscribing them: a run whose config sets training.threads keeps that many, the others
// share the rest evenly, and the shares change as runs start and end (a trainer follows its share between
// steps; results do not depend on the thread count). Users can set both limits.
// Every run that will train on a GPU holds one: tensorflow on CUDA (any free GPU, which
// CUDA_VISIBLE_DEVICES gives it), webgpu by name or through the desktop app's GPU renderer, and auto where
// it will find a GPU. WebGPU trains on the adapter it is offered (the high-performance one), which the app
// cannot steer: its runs hold the first GPU's slot, or the one WebGPU slot where no GPU is named (a
// software adapter, or a card this machine does not list), so two of them never share a GPU unasked.
import { createRequire } from 'node:module';
import type { RunConfig } from '../../shared/config/schema.js';
import { physicalCores } from '../trainer/backend/wasm/cpu-cores.js';
import { machineGpus } from './machine-gpus.js';

export interface SlotLimits {
  /** The machine's GPUs (NVIDIA's by CUDA index); one run each. */
  gpus: string[];
  /** Cores the CPU runs share (each CPU run needs at least one, so also the most CPU runs at once). */
  cpu: number;
  /** Whether tensorflow can train on CUDA here (@tensorflow/tfjs-node-gpu installed); absent: it cannot. */
  cuda?: boolean;
}

export type Slot = { kind: 'gpu'; index: number; name: string } | { kind: 'cpu'; runId: string };

/** The slot name of WebGPU's adapter where the machine names no GPU. */
export const WEBGPU_ADAPTER = 'the WebGPU adapter';

export function detectSlots(overrides: Partial<SlotLimits> = {}): SlotLimits {
  return {
    gpus: overrides.gpus ?? machineGpus(),
    cpu: Math.max(1, overrides.cpu ?? physicalCores()),
    cuda: overrides.cuda ?? gpuPackageInstalled(),
  };
}

function gpuPackageInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu');
    return true;
  } catch {
    return false;
  }
}

/** Which GPU a run holds: any free one (tensorflow on CUDA), or the one WebGPU trains on. */
export type GpuNeed = 'cuda' | 'webgpu';

/**
 * The GPU a run will train on, or null for a CPU run: webgpu always (also on a software adapter, which
 * is asked for by name only); tensorflow where CUDA can reach a GPU; auto as it resolves (tensorflow on
 * CUDA, then WebGPU on a real GPU, else wasm).
 */
export function gpuNeed(config: RunConfig, limits: SlotLimits): GpuNeed | null {
  const backend = config.training.backend;
  const cudaGpu = limits.cuda === true && limits.gpus.length > 0;
  if (backend === 'webgpu') return 'webgpu';
  if (backend === 'tensorflow') return cudaGpu ? 'cuda' : null;
  if (backend === 'auto') return cudaGpu ? 'cuda' : limits.gpus.length > 0 ? 'webgpu' : null;
  return null;
}

/** Whether a run wants a GPU slot. */
export function wantsGpu(config: RunConfig, limits: SlotLimits): boolean {
  return gpuNeed(config, limits) !== null;
}

export interface SlotRequest {
  runId: string;
  /** The GPU the run holds, or null for a CPU run. */
  gpu: GpuNeed | null;
  /** The run's training.threads, or null to take a share of the cores. */
  threads: number | null;
}

export class SlotPool {
  private readonly busyGpus = new Set<number>();
  /** CPU runs in start order, with their fixed thread count or null for a share. */
  private readonly cpuRuns = new Map<string, number | null>();

  constructor(readonly limits: SlotLimits) {}

  /** A free slot of the kind the run wants, or null when there is none (no GPU, or no core left). */
  take(request: SlotRequest): Slot | null {
    if (request.gpu) {
      const index = this.freeGpu(request.gpu);
      if (index < 0) return null;
      this.busyGpus.add(index);
      return { kind: 'gpu', index, name: this.limits.gpus[index] ?? WEBGPU_ADAPTER };
    }
    if (this.coresCommitted() + this.coresNeeded(request.threads) > this.limits.cpu) return null;
    this.cpuRuns.set(request.runId, request.threads);
    return { kind: 'cpu', runId: request.runId };
  }

  /** The free GPU index for this need, or -1: WebGPU's adapter is the first GPU (see the top). */
  private freeGpu(need: GpuNeed): number {
    if (need === 'webgpu') return this.busyGpus.has(0) ? -1 : 0;
    return this.limits.gpus.findIndex((_, i) => !this.busyGpus.has(i));
  }

  release(slot: Slot): void {
    if (slot.kind === 'gpu') this.busyGpus.delete(slot.index);
    else this.cpuRuns.delete(slot.runId);
  }

  /**
   * Threads of each CPU run now: its training.threads when set, else an even share of the cores the fixed
   * runs leave (the earliest runs get the remainder), at least one.
   */
  cpuThreads(): Map<string, number> {
    let fixedCores = 0;
    const shared: string[] = [];
    for (const [runId, threads] of this.cpuRuns)
      if (threads === null) shared.push(runId);
      else fixedCores += this.coresNeeded(threads);
    const free = Math.max(shared.length, this.limits.cpu - fixedCores);
    const threads = new Map<string, number>();
    for (const [runId, fixed] of this.cpuRuns) if (fixed !== null) threads.set(runId, fixed);
    shared.forEach((runId, i) =>
      threads.set(runId, Math.floor(free / shared.length) + (i < free % shared.length ? 1 : 0)),
    );
    return threads;
  }

  /** Cores a CPU run holds at least: its fixed threads (at most all cores), or one. */
  private coresNeeded(threads: number | null): number {
    return threads === null ? 1 : Math.min(threads, this.limits.cpu);
  }

  private coresCommitted(): number {
    let cores = 0;
    for (const threads of this.cpuRuns.values()) cores += this.coresNeeded(threads);
    return cores;
  }

  /** Environment for the trainer: a GPU run sees only its own device. */
  static env(slot: Slot, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return slot.kind === 'gpu'
      ? { ...base, CUDA_VISIBLE_DEVICES: String(slot.index) }
      : { ...base, CUDA_VISIBLE_DEVICES: '' };
  }
}
