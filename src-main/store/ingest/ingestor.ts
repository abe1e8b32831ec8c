// The one writer of training data. Trainer messages go in one at a time (validated); rows come out in
// batched transactions, flushed when a batch reaches `maxRows`, `maxDelayMs` after its first row, at once
// for messages that must not wait (checkpoints, errors, the end of a run), on flush() and on close().
import { parseInput } from '../errors.js';
import { RunIdSchema } from '../run-schemas.js';
import { POINT_WIDTH } from '../rollups.js';
import type { Db } from '../sqlite.js';
import { PendingBatch, writeBatch } from './batch.js';
import { parseIngestMessage } from './messages.js';
import { SeriesIds } from './series-ids.js';
import { MessageTranslator } from './translate.js';

export interface IngestorOptions {
  /** Flush when this many rows are pending. */
  maxRows?: number;
  /** Flush at most this long after the first pending row. */
  maxDelayMs?: number;
  /** Called after each successful flush: the place to push live updates to windows. */
  onFlush?: (info: { rows: number; runIds: string[]; ms: number }) => void;
  /**
   * A timed flush has no caller to throw to; its error goes here with the runs whose rows it held (the rows
   * stay pending for the next try, unless discardRun drops them).
   */
  onError?: (error: unknown, runIds: string[]) => void;
  now?: () => number;
}

export class MetricIngestor {
  readonly stats = { rows: 0, points: 0, flushes: 0 };
  private pending = new PendingBatch();
  private readonly translator: MessageTranslator;
  private readonly seriesIds: SeriesIds;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly maxRows: number;
  private readonly maxDelayMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: IngestorOptions = {},
  ) {
    this.maxRows = options.maxRows ?? 5000;
    this.maxDelayMs = options.maxDelayMs ?? 200;
    this.now = options.now ?? Date.now;
    this.seriesIds = new SeriesIds(db);
    // The translator queues into whichever batch is current and may ask for a flush (before a replay).
    const sink = { pending: () => this.pending, flush: () => this.flush() };
    this.translator = new MessageTranslator(db, this.seriesIds, sink, this.now);
  }

  /** Validates one trainer message for a run and queues its rows. Throws, queueing nothing, on bad input. */
  ingest(runId: string, message: unknown): void {
    if (this.closed) throw new Error('the ingestor is closed');
    const id = parseInput(RunIdSchema, runId, 'runId');
    const msg = parseIngestMessage(message);
    const urgent = this.translator.apply(id, msg);
    if (urgent || this.pending.rows >= this.maxRows) this.flush();
    else if (this.pending.rows > 0 && this.timer === null) {
      this.timer = setTimeout(() => this.timedFlush(), this.maxDelayMs);
      this.timer.unref();
    }
  }

  /** Writes everything pending in one transaction; returns the number of rows written. */
  flush(): number {
    this.clearTimer();
    const batch = this.pending;
    if (batch.rows === 0) return 0;
    this.pending = new PendingBatch();
    const started = performance.now();
    try {
      const { goneRuns } = writeBatch(this.db, batch, this.seriesIds);
      this.seriesIds.commit();
      for (const runId of goneRuns) this.forgetRun(runId);
    } catch (error) {
      this.seriesIds.rollback();
      this.pending = batch;
      throw error;
    }
    this.stats.rows += batch.rows;
    this.stats.flushes++;
    for (const series of batch.series.values()) this.stats.points += series.rows.length / POINT_WIDTH;
    this.options.onFlush?.({
      rows: batch.rows,
      runIds: [...batch.runIds()],
      ms: performance.now() - started,
    });
    return batch.rows;
  }

  /**
   * Drops a run's pending rows and what the ingestor remembers about it: its trainer is gone and what it
   * sent could not be written (a full disk). The run's next messages (a resume) start from the database.
   */
  discardRun(runId: string): void {
    this.pending.dropRun(runId);
    this.forgetRun(runId);
  }

  /** Drops what the ingestor remembers about a run (call after deleting it). */
  forgetRun(runId: string): void {
    this.translator.forgetRun(runId);
    this.seriesIds.forgetRun(runId);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private timedFlush(): void {
    this.timer = null;
    const runIds = [...this.pending.runIds()];
    try {
      this.flush();
    } catch (error) {
      if (this.options.onError) this.options.onError(error, runIds);
      else console.error('store: a timed flush failed', error);
    }
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
