// One trainer process at work on one run, as the run manager sees it: every message it sends is recorded
// (main is the only writer), and when it exits, what it leaves decides the run's final status. Recording
// is the point of a run: when a message cannot be recorded (a full disk, a message the store refuses),
// the trainer is killed at once rather than left to train unrecorded, and the run ends failed with the
// reason. Nothing here throws at its callers, which are process-level handlers.
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import {
  listCheckpoints,
  setRunEnvironment,
  type Db,
  type MetricIngestor,
  type StatusChange,
} from '../store/index.js';
import { failureReport, quietly, recordingFailure } from './failure.js';
import { removeRunPartials, removeUnrecordedCheckpoints } from './leftovers.js';
import { applyRetention } from './retention.js';
import type { Slot } from './slots.js';
import type { TrainerHost } from './trainer-host.js';

export interface SessionContext {
  db: Db;
  ingestor: MetricIngestor;
  /** The run's folder (checkpoints, final weights). */
  runDir: string;
  keepLastCheckpoints: number;
  /** Tells the manager's listeners about a message (recorded, or a note of the session's own). */
  publish(message: TrainerMessage): void;
}

export class TrainerSession {
  private done: Extract<TrainerMessage, { type: 'done' }> | null = null;
  private error: string | null = null;
  /** A stop was asked for; a second one kills the trainer, and the run ends stopped. */
  stopping = false;
  /** What it sent could not be recorded: it is being killed. */
  private unrecorded = false;
  /** CPU threads the trainer was last told to use (null: a GPU run). */
  threads: number | null = null;

  constructor(
    readonly runId: string,
    readonly host: TrainerHost,
    readonly slot: Slot,
    private readonly ctx: SessionContext,
  ) {}

  /** Records one message and passes it on; a message that cannot be recorded stops the run. */
  onMessage(message: TrainerMessage): void {
    if (this.unrecorded) return; // it is being killed; nothing it says now can be recorded
    if (message.type === 'ready') return this.ctx.publish(message); // carries the trainer's pid
    const { db, ingestor } = this.ctx;
    try {
      ingestor.ingest(this.runId, message);
      if (message.type === 'start') {
        const fingerprint = message.facts.corpusFingerprint;
        setRunEnvironment(db, this.runId, {
          backend: message.backend.name,
          device: message.backend.device,
          corpusFingerprint: typeof fingerprint === 'string' ? fingerprint : null,
        });
      }
      if (message.type === 'checkpoint') ingestor.flush();
    } catch (error) {
      return this.stopUnrecorded(error, `a ${message.type} message`);
    }
    if (message.type === 'error') this.error = message.message;
    if (message.type === 'done') this.done = message;
    if (message.type === 'checkpoint') {
      void applyRetention(db, this.runId, this.ctx.keepLastCheckpoints).catch((error: Error) => {
        this.ctx.publish({ type: 'log', level: 'warn', message: `checkpoint retention: ${error.message}` });
      });
    }
    this.ctx.publish(message);
  }

  /** Recording failed: training stops at once; the run ends failed with the reason when the trainer exits. */
  stopUnrecorded(error: unknown, what: string): void {
    if (this.unrecorded) return;
    this.unrecorded = true;
    this.error = recordingFailure(error, what);
    this.host.kill('SIGKILL');
    this.ctx.publish({ type: 'log', level: 'warn', message: `${this.error}; the run stops` });
  }

  /**
   * After the trainer exited: removes what its writes left half-done, writes its last rows, and returns
   * the run's final status.
   */
  ending(code: number | null, signal: string | null): StatusChange {
    const { db, ingestor, runDir } = this.ctx;
    // Partial files first: on a full disk, the space they hold is what lets the rows below be written.
    quietly('remove partial files', () => removeRunPartials(runDir));
    try {
      ingestor.flush();
    } catch (error) {
      ingestor.discardRun(this.runId); // a resume replays these steps from its checkpoint
      if (!this.unrecorded) this.error = recordingFailure(error, 'its last steps');
      this.unrecorded = true;
    }
    quietly('remove unrecorded checkpoints', () =>
      removeUnrecordedCheckpoints(
        runDir,
        listCheckpoints(db, this.runId).map((c) => c.path),
      ),
    );
    if (!this.unrecorded && this.done && code === 0)
      return { status: this.done.status === 'completed' ? 'completed' : 'stopped' };
    if (!this.unrecorded && this.stopping && signal === 'SIGKILL') return { status: 'stopped' };
    const why = this.error ?? `the trainer process ended unexpectedly (${signal ?? `exit code ${code}`})`;
    return { status: 'failed', errorTail: failureReport(why, this.runId, this.host.stderrTail()) };
  }
}
