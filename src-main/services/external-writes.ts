// Live events for runs this process does not train. The desktop app, `raptr serve` and `raptr train` may
// share one database; each pushes events for its own trainers only. This watcher notices what the others
// commit (SQLite's data_version moves only when another connection commits, so an idle database costs one
// pragma per poll) and pushes the same events the run manager's own runs produce: status changes, step
// batches, evals, stage changes and log lines, plus run:updated and run:deleted for edits made elsewhere.
// Runs this process trains are left to the run manager's events, so nothing is sent twice.
import type { EvalResult, StagePlan } from '../../shared/trainer-protocol.js';
import type { RunStatus } from '../../shared/api-types.js';
import {
  dataVersion,
  eventsAfter,
  newestEventId,
  newestStep,
  runState,
  runStates,
  stepsAfter,
  type Db,
  type FedEvent,
  type RunState,
} from '../store/index.js';
import type { LiveListener } from './live-events.js';

export interface ExternalWritesOptions {
  /** True for runs this process queues or trains: their events come from the run manager. */
  isLocal: (runId: string) => boolean;
  pollMs?: number;
  /** Own edits (renames in another window) are not in data_version: the run rows are re-read this often. */
  rowsEveryMs?: number;
}

const STEPS_PER_POLL = 2000;
const EVENTS_PER_READ = 1000;
const TRAINING: ReadonlySet<string> = new Set(['running', 'stopping']);

export interface ExternalWrites {
  /** Poll now (tests; the timer calls it on its own). */
  poll(): void;
  /** A run of this process changed status: remember it, so it is not announced again as an outside write. */
  noteStatus(runId: string, status: RunStatus): void;
  close(): void;
}

export function watchExternalWrites(
  db: Db,
  send: LiveListener,
  options: ExternalWritesOptions,
): ExternalWrites {
  let version = dataVersion(db);
  const rows = new Map<string, RunState>(runStates(db).map((r) => [r.id, r]));
  /** Per run: the newest step already announced (or present when the watcher started). */
  const stepCursor = new Map<string, number>();
  for (const row of rows.values())
    if (TRAINING.has(row.status)) stepCursor.set(row.id, newestStep(db, row.id));
  /** Per run that trained here: events up to this id were announced by the run manager. */
  const eventFloor = new Map<string, number>();
  let eventCursor = newestEventId(db);
  let lastRowsRead = Date.now();
  const rowsEveryMs = options.rowsEveryMs ?? 2000;

  const announceRows = () => {
    lastRowsRead = Date.now();
    const seen = new Set<string>();
    for (const row of runStates(db)) {
      seen.add(row.id);
      const before = rows.get(row.id);
      rows.set(row.id, row);
      if (!before)
        stepCursor.set(row.id, -1); // a new run: every step it has is news
      // Starting (or resuming) elsewhere: what it records from now on is news.
      else if (TRAINING.has(row.status) && !stepCursor.has(row.id))
        stepCursor.set(row.id, newestStep(db, row.id));
      // Both, when one poll sees both: on a loaded machine a status change and a rename can fall between
      // the same two polls, and a view that only re-reads the status would keep the old name.
      if (before?.status !== row.status && !options.isLocal(row.id))
        send('run:status', { runId: row.id, status: row.status as RunStatus });
      if (before && before.label !== row.label) send('run:updated', { runId: row.id });
    }
    for (const id of [...rows.keys()])
      if (!seen.has(id)) {
        rows.delete(id);
        stepCursor.delete(id);
        eventFloor.delete(id);
        send('run:deleted', { runId: id });
      }
  };

  const announceSteps = () => {
    for (const row of rows.values()) {
      if (options.isLocal(row.id)) continue;
      const cursor = stepCursor.get(row.id);
      // Runs that stopped training still get the steps written just before the stop.
      if (cursor === undefined && !TRAINING.has(row.status)) continue;
      const steps = stepsAfter(db, row.id, cursor ?? -1, STEPS_PER_POLL);
      if (TRAINING.has(row.status)) stepCursor.set(row.id, steps.at(-1)?.step ?? cursor ?? -1);
      else stepCursor.delete(row.id);
      if (steps.length > 0) send('run:metrics', { runId: row.id, steps });
    }
  };

  const announceEvent = (event: FedEvent) => {
    const { runId, step } = event;
    if (options.isLocal(runId) || event.id <= (eventFloor.get(runId) ?? 0)) return;
    switch (event.kind) {
      case 'eval': {
        const p = event.payload as { stage: number; reason: string; results: EvalResult[] };
        send('run:eval', { runId, step: step ?? 0, stage: p.stage, reason: p.reason, results: p.results });
        return;
      }
      case 'stage':
        send('run:stage', { runId, step: step ?? 0, stage: event.payload as StagePlan });
        return;
      case 'log': {
        const p = event.payload as { level: 'info' | 'warn' | 'error'; message: string };
        send('run:log', { runId, level: p.level, message: p.message });
        return;
      }
      case 'error':
        send('run:log', { runId, level: 'error', message: (event.payload as { message: string }).message });
        return;
      default:
        return;
    }
  };

  /** Reads the new timeline events; a trainer's start after a resume moves its run's step cursor back. */
  const readEvents = (): FedEvent[] => {
    const all: FedEvent[] = [];
    for (;;) {
      const events = eventsAfter(
        db,
        eventCursor,
        ['eval', 'stage', 'log', 'error', 'status'],
        EVENTS_PER_READ,
      );
      all.push(...events);
      eventCursor = events.at(-1)?.id ?? eventCursor;
      if (events.length < EVENTS_PER_READ) break;
    }
    for (const event of all) {
      const resumed = (event.payload as { trainer?: string; resumedFromStep?: number | null })
        .resumedFromStep;
      if (event.kind === 'status' && typeof resumed === 'number' && !options.isLocal(event.runId))
        stepCursor.set(event.runId, Math.min(stepCursor.get(event.runId) ?? resumed, resumed));
    }
    return all;
  };

  const poll = () => {
    const now = dataVersion(db);
    const changed = now !== version;
    if (!changed && Date.now() - lastRowsRead < rowsEveryMs) return;
    // One read transaction: steps, evals and statuses from the same moment, in the order they were written.
    db.transaction(() => {
      announceRows();
      if (!changed) return;
      const events = readEvents();
      announceSteps();
      for (const event of events) announceEvent(event);
    })();
    // Only once read: a poll that fails (a busy database) leaves the change to the next one, which would
    // otherwise see no change and skip the steps and events of a run's last writes for good.
    version = now;
  };

  const timer = setInterval(() => {
    try {
      poll();
    } catch (error) {
      // A busy or closing database: the next poll tries again; live views also re-read on their own.
      if (db.open) console.error('live events: reading outside writes failed', error);
    }
  }, options.pollMs ?? 250);
  timer.unref();

  return {
    poll,
    noteStatus(runId, status) {
      // A run this watcher has not read yet (its status changed here before the first poll saw it) is read
      // now: the listeners heard of it through this event, so a later rename must be compared with this row,
      // not announced as a new run's status with the rename lost.
      const row = rows.get(runId) ?? (db.open ? runState(db, runId) : undefined);
      if (row) rows.set(runId, { ...row, status });
      // What this process's trainer wrote for the run is announced already; later writes elsewhere are not.
      if (!options.isLocal(runId) && db.open) {
        eventFloor.set(runId, newestEventId(db, runId));
        stepCursor.set(runId, newestStep(db, runId));
      }
    },
    close: () => clearInterval(timer),
  };
}
