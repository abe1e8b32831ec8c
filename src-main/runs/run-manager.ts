// The run manager: creates runs, queues them (priority, then FIFO), starts each in its own trainer
// process when a device slot is free, records everything the trainer says (main is the only writer),
// and turns what happens into statuses: queued, running, stopping, stopped, completed, failed,
// interrupted. A crash never loses what was recorded: rows are committed in batches as they arrive,
// and the trainer checkpoints as it goes.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../../shared/config/schema.js';
import { ConfigError, parseRunConfig } from '../../shared/config/validate.js';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import {
  createRun,
  deleteCheckpoint,
  deleteRun,
  latestCheckpoint,
  listCheckpoints,
  MetricIngestor,
  mustGetRun,
  ownerAlive,
  ownerOf,
  recoverOrphanedRuns,
  requestRun,
  setOwner,
  setRunEnvironment,
  setRunStatus,
  takeRequests,
  THIS_PROCESS,
  type Checkpoint,
  type Db,
  type Run,
  type RunStatus,
} from '../store/index.js';
import { APP_VERSION } from '../version.js';
import { forkTrainer } from './fork-host.js';
import { applyRetention } from './retention.js';
import { detectSlots, SlotPool, wantsGpu, type Slot, type SlotLimits } from './slots.js';
import type { TrainerHost } from './trainer-host.js';

export type RunManagerEvent =
  | { type: 'status'; runId: string; status: RunStatus }
  | { type: 'message'; runId: string; message: TrainerMessage };

export interface RunManagerOptions {
  db: Db;
  /** Each run gets <runsDir>/<run id>/ for its checkpoints and final weights. */
  runsDir: string;
  /** Starts a trainer process (Electron: utilityProcess; elsewhere: child_process.fork). */
  launch?: (env: NodeJS.ProcessEnv) => TrainerHost;
  slots?: Partial<SlotLimits>;
  /** Checkpoints kept per run besides the best one. */
  keepLastCheckpoints?: number;
  /** How often requests from other processes (`raptr stop ID`) are picked up. */
  pollMs?: number;
}

export interface NewRunRequest {
  config: unknown;
  name?: string;
  preset?: string | null;
  tags?: string[];
  notes?: string;
  parentRunId?: string | null;
  priority?: number;
  /** Queue it right away (default). */
  start?: boolean;
}

interface Queued {
  runId: string;
  priority: number;
  order: number;
  resume: { path: string; sha256: string | null } | null;
}

interface Active {
  host: TrainerHost;
  slot: Slot;
  done: Extract<TrainerMessage, { type: 'done' }> | null;
  error: string | null;
  stopping: boolean;
}

/** A request that does not fit the run's state (resume a running run, start a finished one, ...). */
export class RunStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunStateError';
  }
}

const FINAL: ReadonlySet<RunStatus> = new Set(['stopped', 'completed', 'failed', 'interrupted']);

export class RunManager {
  private readonly queue: Queued[] = [];
  private readonly active = new Map<string, Active>();
  private readonly listeners = new Set<(event: RunManagerEvent) => void>();
  private readonly ingestor: MetricIngestor;
  private readonly slots: SlotPool;
  private readonly launch: (env: NodeJS.ProcessEnv) => TrainerHost;
  private readonly timer: NodeJS.Timeout;
  private order = 0;

  /**
   * Opens the manager; runs another process left running without a live owner become 'interrupted', runs
   * it left queued 'stopped'.
   */
  constructor(private readonly options: RunManagerOptions) {
    this.ingestor = new MetricIngestor(options.db);
    this.slots = new SlotPool(detectSlots(options.slots));
    this.launch = options.launch ?? ((env) => forkTrainer(env));
    for (const { id, status } of recoverOrphanedRuns(options.db))
      this.notify({ type: 'status', runId: id, status });
    this.timer = setInterval(() => this.pollRequests(), options.pollMs ?? 500);
    this.timer.unref();
  }

  get db(): Db {
    return this.options.db;
  }

  get slotLimits(): SlotLimits {
    return this.slots.limits;
  }

  subscribe(listener: (event: RunManagerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  create(request: NewRunRequest): Run {
    const parsed = parseRunConfig(request.config);
    if (!parsed.ok) throw new ConfigError(parsed.issues);
    const config = parsed.config;
    const run = createRun(this.db, {
      name: request.name ?? config.name ?? defaultName(config),
      config: config as unknown as Record<string, unknown>,
      preset: request.preset ?? null,
      appVersion: APP_VERSION,
      tags: request.tags ?? [],
      notes: request.notes ?? '',
      parentRunId: request.parentRunId ?? null,
      status: request.start === false ? 'stopped' : 'queued',
    });
    if (request.start !== false) this.enqueue(run.id, request.priority ?? 0, null);
    return run;
  }

  /** Queues a run created with start: false (it has never trained). */
  start(runId: string, priority = 0): RunStatus {
    const run = mustGetRun(this.db, runId);
    if (run.startedAt !== null || this.isActive(runId))
      throw new RunStateError(`run ${runId} has already been started; resume it instead`);
    this.enqueue(runId, priority, null);
    return mustGetRun(this.db, runId).status;
  }

  /**
   * Queues a stopped, interrupted or failed run again from its latest checkpoint (or from the start), or
   * from the checkpoint at `fromStep`. Resuming from an earlier checkpoint rewinds the run: the trainer's
   * replay drops what was recorded after that step, and the later checkpoints are deleted here, so no
   * later resume can pick up a checkpoint of the abandoned branch.
   */
  resume(runId: string, priority = 0, fromStep?: number): { fromStep: number } {
    const run = mustGetRun(this.db, runId);
    const resumable = ['stopped', 'interrupted', 'failed'].includes(run.status);
    // A completed run can be continued from one of its earlier checkpoints (a rewind), not from its end.
    if (!resumable && !(run.status === 'completed' && fromStep !== undefined))
      throw new RunStateError(
        `run ${runId} is ${run.status}; only stopped, interrupted or failed runs can be resumed`,
      );
    if (this.isActive(runId)) throw new RunStateError(`run ${runId} is already queued or running`);
    const checkpoint =
      fromStep === undefined ? latestCheckpoint(this.db, runId) : this.rewindTo(runId, fromStep);
    this.enqueue(runId, priority, checkpoint ? { path: checkpoint.path, sha256: checkpoint.sha256 } : null);
    return { fromStep: checkpoint?.step ?? 0 };
  }

  /** Stops a run wherever it is: dequeues it, asks its trainer (here or in another process) to stop. */
  stop(runId: string): RunStatus {
    const queued = this.queue.findIndex((q) => q.runId === runId);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return this.setStatus(runId, 'stopped');
    }
    const active = this.active.get(runId);
    if (active) {
      if (active.stopping) active.host.kill('SIGKILL'); // a second stop does not wait
      active.stopping = true;
      active.host.send({ type: 'stop' });
      return this.setStatus(runId, 'stopping');
    }
    const run = mustGetRun(this.db, runId);
    if (run.status !== 'running' && run.status !== 'stopping' && run.status !== 'queued') return run.status;
    const owner = ownerOf(this.db, runId);
    if (owner && ownerAlive(owner) && (owner.pid !== THIS_PROCESS.pid || owner.host !== THIS_PROCESS.host)) {
      requestRun(this.db, runId, 'stop');
      return run.status;
    }
    return this.setStatus(runId, run.status === 'queued' ? 'stopped' : 'interrupted');
  }

  /** Deletes a run, its rows and its folder; a running run is killed first. */
  async delete(runId: string): Promise<boolean> {
    const owner = ownerOf(this.db, runId);
    if (!this.active.has(runId) && owner && ownerAlive(owner) && owner.pid !== THIS_PROCESS.pid)
      throw new RunStateError(
        `run ${runId} is training in another process (pid ${owner.pid}); stop it first`,
      );
    const index = this.queue.findIndex((q) => q.runId === runId);
    if (index >= 0) this.queue.splice(index, 1);
    const active = this.active.get(runId);
    if (active) {
      const exited = new Promise<void>((resolve) => active.host.onExit(() => resolve()));
      active.host.kill('SIGKILL');
      await exited;
    }
    this.ingestor.forgetRun(runId);
    const deleted = deleteRun(this.db, runId);
    await rm(this.runDir(runId), { recursive: true, force: true });
    return deleted;
  }

  /** Resolves with the run's status once it is final (stopped, completed, failed or interrupted). */
  waitFor(runId: string): Promise<RunStatus> {
    return new Promise((resolve) => {
      const current = mustGetRun(this.db, runId).status;
      if (FINAL.has(current) && !this.active.has(runId) && !this.queue.some((q) => q.runId === runId))
        return resolve(current);
      const unsubscribe = this.subscribe((event) => {
        if (event.type === 'status' && event.runId === runId && FINAL.has(event.status)) {
          unsubscribe();
          resolve(event.status);
        }
      });
    });
  }

  /** Runs training now (queued ones are not counted: stopping them needs no checkpoint). */
  get trainingCount(): number {
    return this.active.size;
  }

  isActive(runId: string): boolean {
    return this.active.has(runId) || this.queue.some((q) => q.runId === runId);
  }

  /** Stops every run (each writes a checkpoint first) and waits for them; then closes the ingestor. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    for (const q of this.queue.splice(0)) this.setStatus(q.runId, 'stopped');
    await Promise.all([...this.active.keys()].map((id) => (this.stop(id), this.waitFor(id))));
    this.ingestor.close();
  }

  runDir(runId: string): string {
    return join(this.options.runsDir, runId);
  }

  /** The checkpoint at `step`, after deleting the run's later checkpoints (rows now, folders soon after). */
  private rewindTo(runId: string, step: number): Checkpoint {
    const checkpoints = listCheckpoints(this.db, runId);
    const target = checkpoints.find((c) => c.step === step);
    if (!target)
      throw new RunStateError(
        `run ${runId} has no checkpoint at step ${step}; it has ${checkpoints.map((c) => c.step).join(', ') || 'none'}`,
      );
    for (const later of checkpoints.filter((c) => c.step > step)) {
      deleteCheckpoint(this.db, later.id);
      void rm(later.path, { recursive: true, force: true });
    }
    return target;
  }

  private enqueue(runId: string, priority: number, resume: Queued['resume']): void {
    if (this.isActive(runId)) throw new RunStateError(`run ${runId} is already queued or running`);
    this.queue.push({ runId, priority, order: this.order++, resume });
    this.queue.sort((a, b) => b.priority - a.priority || a.order - b.order);
    setOwner(this.db, runId, THIS_PROCESS); // so that start-up recovery elsewhere leaves the queue alone
    this.setStatus(runId, 'queued');
    this.schedule();
  }

  private schedule(): void {
    for (const item of [...this.queue]) {
      const config = mustGetRun(this.db, item.runId).config as unknown as RunConfig;
      const slot = this.slots.take(wantsGpu(config, this.slots.limits));
      if (!slot) continue; // a later run may want the other kind of slot
      this.queue.splice(this.queue.indexOf(item), 1);
      this.launchRun(item, config, slot);
    }
  }

  private launchRun(item: Queued, config: RunConfig, slot: Slot): void {
    const { runId } = item;
    const host = this.launch(SlotPool.env(slot, process.env));
    const active: Active = { host, slot, done: null, error: null, stopping: false };
    this.active.set(runId, active);
    setOwner(this.db, runId, THIS_PROCESS);
    setRunStatus(this.db, runId, { status: 'running', errorTail: null }); // a resumed run starts clean
    this.notify({ type: 'status', runId, status: 'running' });
    host.onMessage((message) => this.onMessage(runId, active, message));
    host.onExit((exit) => this.onExit(runId, active, exit.code, exit.signal));
    host.send({ type: 'start', config, outDir: this.runDir(runId), resume: item.resume });
  }

  private onMessage(runId: string, active: Active, message: TrainerMessage): void {
    if (message.type === 'ready') {
      this.notify({ type: 'message', runId, message }); // carries the trainer's pid
      return;
    }
    try {
      this.ingestor.ingest(runId, message);
    } catch (error) {
      active.error = `could not record a ${message.type} message: ${(error as Error).message}`;
    }
    if (message.type === 'start') {
      const fingerprint = message.facts.corpusFingerprint;
      setRunEnvironment(this.db, runId, {
        backend: message.backend.name,
        device: message.backend.device,
        corpusFingerprint: typeof fingerprint === 'string' ? fingerprint : null,
      });
    }
    if (message.type === 'error') active.error = message.message;
    if (message.type === 'done') active.done = message;
    if (message.type === 'checkpoint') {
      this.ingestor.flush();
      void applyRetention(this.db, runId, this.options.keepLastCheckpoints ?? 3).catch((error: Error) => {
        this.notify({
          type: 'message',
          runId,
          message: { type: 'log', level: 'warn', message: `checkpoint retention: ${error.message}` },
        });
      });
    }
    this.notify({ type: 'message', runId, message });
  }

  private onExit(runId: string, active: Active, code: number | null, signal: string | null): void {
    this.ingestor.flush();
    this.active.delete(runId);
    this.slots.release(active.slot);
    setOwner(this.db, runId, null);
    if (active.done && code === 0) {
      this.setStatus(runId, active.done.status === 'completed' ? 'completed' : 'stopped');
    } else if (active.stopping && signal === 'SIGKILL') {
      this.setStatus(runId, 'stopped');
    } else {
      const why = active.error ?? `the trainer process ended unexpectedly (${signal ?? `exit code ${code}`})`;
      const tail = active.host.stderrTail().trim();
      setRunStatus(this.db, runId, { status: 'failed', errorTail: tail ? `${why}\n\n${tail}` : why });
      this.notify({ type: 'status', runId, status: 'failed' });
    }
    this.schedule();
  }

  private pollRequests(): void {
    const ids = [...this.active.keys(), ...this.queue.map((q) => q.runId)];
    for (const request of takeRequests(this.db, ids)) {
      if (request.kind === 'stop') this.stop(request.runId);
      else this.active.get(request.runId)?.host.send({ type: 'checkpoint-now' });
    }
  }

  private setStatus(runId: string, status: RunStatus): RunStatus {
    setRunStatus(this.db, runId, { status });
    this.notify({ type: 'status', runId, status });
    return status;
  }

  private notify(event: RunManagerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** "RaPTr 6-8-10-12 · mlm" when the user gave no name. */
export function defaultName(config: RunConfig): string {
  const policy = config.policy;
  const what =
    policy.kind === 'raptr'
      ? `RaPTr ${policy.schedule.label ?? `${policy.schedule.stages?.length ?? 0} stages`}`
      : policy.kind === 'stacking'
        ? `stacking ${policy.label}`
        : policy.kind;
  return `${what} · ${config.task.kind} L=${config.model.layers}`;
}
