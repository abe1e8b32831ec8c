// Where runs may train at the same time: one run per GPU, and CPU runs sharing the cores. A CPU (wasm)
// trainer runs its kernels on as many threads as it is given, so concurrent CPU runs split the cores
// instead of oversubscribing them: a run whose config sets training.threads keeps that many, the others
// share the rest evenly, and the shares change as runs start and end (a trainer follows its share between
// steps; results do not depend on the thread count). Users can set both limits.
import { createRequire } from 'node:module';
import type { RunConfig } from '../../shared/config/schema.js';
import { nvidiaGpuNames } from '../trainer/backend/tensorflow/gpu-hints.js';
import { physicalCores } from '../trainer/backend/wasm/cpu-cores.js';

export interface SlotLimits {
  /** GPU names by CUDA index; one run each. */
  gpus: string[];
  /** Cores the CPU runs share (each CPU run needs at least one, so also the most CPU runs at once). */
  cpu: number;
}

export type Slot = { kind: 'gpu'; index: number; name: string } | { kind: 'cpu'; runId: string };

export function detectSlots(overrides: Partial<SlotLimits> = {}): SlotLimits {
  return {
    gpus: overrides.gpus ?? (gpuPackageInstalled() ? nvidiaGpuNames() : []),
    cpu: Math.max(1, overrides.cpu ?? physicalCores()),
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

/** Whether a run wants a GPU slot: it asks for tensorflow, or for auto and a GPU exists. */
export function wantsGpu(config: RunConfig, limits: SlotLimits): boolean {
  const backend = config.training.backend;
  return limits.gpus.length > 0 && (backend === 'tensorflow' || backend === 'auto');
}

export interface SlotRequest {
  runId: string;
  gpu: boolean;
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
      const index = this.limits.gpus.findIndex((_, i) => !this.busyGpus.has(i));
      if (index < 0) return null;
      this.busyGpus.add(index);
      return { kind: 'gpu', index, name: this.limits.gpus[index]! };
    }
    if (this.coresCommitted() + this.coresNeeded(request.threads) > this.limits.cpu) return null;
    this.cpuRuns.set(request.runId, request.threads);
    return { kind: 'cpu', runId: request.runId };
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
