// The run manager: creates runs, queues them (priority, then FIFO), starts each in its own trainer
// process when a device slot is free, records everything the trainer says (main is the only writer),
// and turns what happens into statuses: queued, running, stopping, stopped, completed, failed,
// interrupted. A crash never loses what was recorded: rows are committed in batches as they arrive,
// and the trainer checkpoints as it goes. Nothing thrown while recording (a full disk, a malformed
// message) escapes the handlers of a trainer's messages and exit: the run stops and ends failed with the
// reason, and the process that hosts the manager (the app, `raptr serve`) carries on.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../../shared/config/schema.js';
import { ConfigError, parseRunConfig } from '../../shared/config/validate.js';
import { errorMessage } from '../../shared/error-text.js';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import {
  createRun,
  deleteCheckpoint,
  deleteRun,
  listCheckpoints,
  MetricIngestor,
  mustGetRun,
  ownerAlive,
  ownerOf,
  recoverOrphanedRuns,
  requestRun,
  setOwner,
  setRunStatus,
  takeRequests,
  THIS_PROCESS,
  type Checkpoint,
  type Db,
  type Run,
  type RunStatus,
  type StatusChange,
} from '../store/index.js';
import { exportsDirFor } from '../checkpoints/export/index.js';
import { APP_VERSION } from '../version.js';
import { DiskReserve } from './disk-reserve.js';
import { failureReport, quietly, recordingFailure } from './failure.js';
import { FinalStatuses } from './final-status.js';
import { forkTrainer } from './fork-host.js';
import { memoryBudget, memoryIssue } from './memory-budget.js';
import { removeStaleLeftovers } from './leftovers.js';
import { detectSlots, gpuNeed, SlotPool, type Slot, type SlotLimits } from './slots.js';
import type { TrainerHost } from './trainer-host.js';
import { TrainerSession } from './trainer-session.js';

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
  resume: {
    path: string;
    sha256: string | null;
    fallbacks: Array<{ path: string; sha256: string | null }>;
  } | null;
  /** Train on this backend instead of the config's (a resume after the GPU failed); the record keeps the config. */
  backend?: RunConfig['training']['backend'];
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
  private readonly active = new Map<string, TrainerSession>();
  private readonly listeners = new Set<(event: RunManagerEvent) => void>();
  private readonly ingestor: MetricIngestor;
  private readonly slots: SlotPool;
  private readonly launch: (env: NodeJS.ProcessEnv) => TrainerHost;
  private readonly timer: NodeJS.Timeout;
  private readonly endings: FinalStatuses;
  private readonly reserve: DiskReserve;
  private order = 0;

  /**
   * Opens the manager; runs another process left running without a live owner become 'interrupted', runs
   * it left queued 'stopped', and the partial files of writes that processes gone since left are removed.
   */
  constructor(private readonly options: RunManagerOptions) {
    this.ingestor = new MetricIngestor(options.db, {
      // A timed flush that fails has no caller: the runs whose rows it held stop here.
      onError: (error, runIds) => {
        for (const runId of runIds) this.active.get(runId)?.stopUnrecorded(error, 'metrics');
      },
    });
    this.reserve = DiskReserve.beside(options.db.name);
    this.reserve.ensure();
    this.endings = new FinalStatuses(options.db, this.reserve);
    this.slots = new SlotPool(detectSlots(options.slots));
    this.launch = options.launch ?? ((env) => forkTrainer(env));
    this.recoverOrphans();
    const exportsDir = options.db.memory ? [] : [exportsDirFor(options.db.name)];
    quietly('remove partial files', () => removeStaleLeftovers(options.runsDir, exportsDir));
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

  /**
   * Validates the config (and that the run fits in memory: the issue named "model" otherwise), records the
   * run and queues it unless start is false. Throws ConfigError before anything is recorded.
   */
  create(request: NewRunRequest): Run {
    const parsed = parseRunConfig(request.config);
    if (!parsed.ok) throw new ConfigError(parsed.issues);
    const config = parsed.config;
    const tooBig = memoryIssue(config, memoryBudget(config, this.slots.limits));
    if (tooBig) throw new ConfigError([tooBig]);
    const queued = request.start !== false;
    // Recorded with its owner in one transaction: another process checking liveness in between would
    // take a queued run without an owner for an orphan.
    const run = this.db.transaction(() => {
      const created = createRun(this.db, {
        name: request.name ?? config.name ?? defaultName(config),
        config: config as unknown as Record<string, unknown>,
        preset: request.preset ?? null,
        appVersion: APP_VERSION,
        tags: request.tags ?? [],
        notes: request.notes ?? '',
        parentRunId: request.parentRunId ?? null,
        status: queued ? 'queued' : 'stopped',
      });
      if (queued) setOwner(this.db, created.id, THIS_PROCESS);
      return created;
    })();
    if (queued) this.enqueue(run.id, request.priority ?? 0, null);
    return run;
  }

  /**
   * Runs whose process is gone (killed, crashed) become interrupted now, and the listeners hear of it:
   * called before runs are listed or shown, and on every poll, so no view shows a dead run as running.
   */
  recoverOrphans(): void {
    const recovered = quietly('check which runs are still alive', () => recoverOrphanedRuns(this.db));
    for (const { id, status } of recovered ?? []) this.notify({ type: 'status', runId: id, status });
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
   * later resume can pick up a checkpoint of the abandoned branch. `backend` trains this resume on another
   * backend (a run whose GPU failed goes on on the CPU); the recorded config keeps the one the run asked for.
   */
  resume(
    runId: string,
    priority = 0,
    { fromStep, backend }: { fromStep?: number; backend?: RunConfig['training']['backend'] } = {},
  ): { fromStep: number } {
    const run = mustGetRun(this.db, runId);
    const resumable = ['stopped', 'interrupted', 'failed'].includes(run.status);
    // A completed run can be continued from one of its earlier checkpoints (a rewind), not from its end.
    if (!resumable && !(run.status === 'completed' && fromStep !== undefined))
      throw new RunStateError(
        `run ${runId} is ${run.status}; only stopped, interrupted or failed runs can be resumed`,
      );
    if (this.isActive(runId)) throw new RunStateError(`run ${runId} is already queued or running`);
    if (fromStep !== undefined) this.rewindTo(runId, fromStep);
    // Newest first: the trainer resumes from the newest that verifies and says which it skipped.
    const [newest, ...older] = listCheckpoints(this.db, runId)
      .sort((a, b) => b.step - a.step)
      .map((c) => ({ path: c.path, sha256: c.sha256, step: c.step }));
    const ref = (c: { path: string; sha256: string }) => ({ path: c.path, sha256: c.sha256 });
    this.enqueue(runId, priority, newest ? { ...ref(newest), fallbacks: older.map(ref) } : null, backend);
    return { fromStep: newest?.step ?? 0 };
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

  /** Why a run failed in this process (also when the database could not record it); null if it did not. */
  failureReason(runId: string): string | null {
    return this.endings.failureReason(runId);
  }

  /** Stops every run (each writes a checkpoint first) and waits for them; then closes the ingestor. */
  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    for (const q of this.queue.splice(0))
      quietly('stop a queued run', () => this.setStatus(q.runId, 'stopped'));
    const stopping = [...this.active.keys()].map((id) => {
      quietly(`stop run ${id}`, () => this.stop(id));
      return this.waitFor(id);
    });
    await Promise.all(stopping);
    this.endings.retry();
    quietly('write the last metrics', () => this.ingestor.close());
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

  private enqueue(
    runId: string,
    priority: number,
    resume: Queued['resume'],
    backend?: Queued['backend'],
  ): void {
    if (this.isActive(runId)) throw new RunStateError(`run ${runId} is already queued or running`);
    setOwner(this.db, runId, THIS_PROCESS); // so that start-up recovery elsewhere leaves the queue alone
    this.setStatus(runId, 'queued');
    this.endings.forget(runId);
    this.reserve.ensure(); // written again after a full disk used it, once there is room
    this.queue.push({ runId, priority, order: this.order++, resume, ...(backend ? { backend } : {}) });
    this.queue.sort((a, b) => b.priority - a.priority || a.order - b.order);
    this.schedule();
  }

  private schedule(): void {
    const starting: Array<{ item: Queued; config: RunConfig; slot: Slot }> = [];
    for (const item of [...this.queue]) {
      const run = quietly('read a queued run', () => mustGetRun(this.db, item.runId));
      if (!run) continue;
      const recorded = run.config as unknown as RunConfig;
      const config = item.backend
        ? { ...recorded, training: { ...recorded.training, backend: item.backend } }
        : recorded;
      const gpu = gpuNeed(config, this.slots.limits);
      const slot = this.slots.take({ runId: item.runId, gpu, threads: config.training.threads ?? null });
      if (!slot) continue; // a later run may want the other kind of slot
      this.queue.splice(this.queue.indexOf(item), 1);
      starting.push({ item, config, slot });
    }
    // Every run starting now is counted in the CPU shares before the first of them is told its own.
    for (const { item, config, slot } of starting) this.launchRun(item, config, slot);
    this.shareCores();
  }

  /** Tells each CPU trainer whose share of the cores changed (a run started or ended) its new thread count. */
  private shareCores(): void {
    for (const [runId, threads] of this.slots.cpuThreads()) {
      const session = this.active.get(runId);
      if (!session || session.threads === threads) continue;
      session.threads = threads;
      session.host.send({ type: 'threads', threads });
    }
  }

  private launchRun(item: Queued, config: RunConfig, slot: Slot): void {
    const { runId } = item;
    try {
      this.db.transaction(() => {
        setOwner(this.db, runId, THIS_PROCESS);
        setRunStatus(this.db, runId, { status: 'running', errorTail: null }); // a resumed run starts clean
      })();
    } catch (error) {
      this.slots.release(slot);
      const reason = recordingFailure(error, 'its start');
      this.finish(runId, { status: 'failed', errorTail: failureReport(reason, runId, '') });
      return;
    }
    const host = this.launch(SlotPool.env(slot, process.env));
    const session = new TrainerSession(runId, host, slot, {
      db: this.db,
      ingestor: this.ingestor,
      runDir: this.runDir(runId),
      keepLastCheckpoints: this.options.keepLastCheckpoints ?? 3,
      publish: (message) => this.notify({ type: 'message', runId, message }),
    });
    session.threads = slot.kind === 'cpu' ? (this.slots.cpuThreads().get(runId) ?? null) : null;
    this.active.set(runId, session);
    this.notify({ type: 'status', runId, status: 'running' });
    host.onMessage((message) => quietly('record a trainer message', () => session.onMessage(message)));
    host.onExit((exit) =>
      quietly('end a run', () => {
        this.active.delete(runId);
        this.slots.release(slot);
        this.finish(runId, session.ending(exit.code, exit.signal));
        this.schedule();
      }),
    );
    host.send({
      type: 'start',
      config,
      outDir: this.runDir(runId),
      resume: item.resume,
      threads: session.threads,
    });
  }

  /** Records a run's final status (and that no process owns it now), then tells the listeners. */
  private finish(runId: string, change: StatusChange): void {
    this.endings.record(runId, change);
    this.notify({ type: 'status', runId, status: change.status });
  }

  private pollRequests(): void {
    this.endings.retry();
    this.recoverOrphans();
    const ids = [...this.active.keys(), ...this.queue.map((q) => q.runId)];
    const requests = quietly('read requests from other processes', () => takeRequests(this.db, ids));
    for (const request of requests ?? []) {
      if (request.kind === 'stop') quietly(`stop run ${request.runId}`, () => this.stop(request.runId));
      else this.active.get(request.runId)?.host.send({ type: 'checkpoint-now' });
    }
  }

  private setStatus(runId: string, status: RunStatus): RunStatus {
    setRunStatus(this.db, runId, { status });
    this.notify({ type: 'status', runId, status });
    return status;
  }

  /** Every listener hears every event: one that throws (a closed pipe, a bug) is reported, not fatal. */
  private notify(event: RunManagerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        console.error(`RaPTr Studio: a run event listener failed: ${errorMessage(error)}`);
      }
    }
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
