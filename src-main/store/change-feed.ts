// Reads for noticing what other processes wrote (a `raptr train` in a terminal, another `raptr serve`, the
// desktop app on the same file): SQLite's data_version, which moves only when another connection commits,
// a light snapshot of every run's row, and the steps and timeline events past a cursor. All reads: the
// writer of those rows is whichever process trains the run.
import type { EventKind } from './events.js';
import { findSeriesId } from './metrics.js';
import { cached, type Db } from './sqlite.js';

/** Changes whenever another connection (another process) has committed since the last call. */
export function dataVersion(db: Db): number {
  return db.pragma('data_version', { simple: true }) as number;
}

/** What the live views show of a run's row: a change to any of it is worth telling them. */
export interface RunState {
  id: string;
  status: string;
  /** name, archived and tags in one string, to notice edits without holding every field. */
  label: string;
}

/** One SELECT for every run and for one, so a single row's label can never differ from the snapshot's. */
const RUN_STATE = `SELECT id, status, name || char(0) || archived || char(0) ||
    coalesce((SELECT group_concat(tag, char(0)) FROM
      (SELECT tag FROM run_tags WHERE run_id = runs.id ORDER BY tag)), '') AS label
  FROM runs`;

export function runStates(db: Db): RunState[] {
  return cached<[], RunState>(db, RUN_STATE).all();
}

/** One run's state (a primary-key lookup), or undefined when there is no such run. */
export function runState(db: Db, runId: string): RunState | undefined {
  return cached<[string], RunState>(db, `${RUN_STATE} WHERE id = ?`).get(runId);
}

/** One step as the charts want it: the step row and the values its step message became. */
export interface FedStep {
  step: number;
  stage: number;
  lr: number;
  loss: number;
  mask: string;
  active: number;
  scale: number;
  cumFlops: number;
  cumFullFlops: number;
  tokens: number;
  stepMs: number;
  examplesPerSec: number;
  wallMs: number;
}

/** The keys a step message is stored under (ingest/step-keys.ts), in the order the query reads them. */
const VALUE_KEYS = ['train/loss', 'train/lr', 'train/scale', 'perf/step_ms', 'perf/examples_per_s'] as const;

type StepRowWithValues = Omit<FedStep, 'loss' | 'lr' | 'scale' | 'stepMs' | 'examplesPerSec'> & {
  loss: number | null;
  lr: number | null;
  scale: number | null;
  stepMs: number | null;
  examplesPerSec: number | null;
};

/** The newest step a run has recorded, or -1. */
export function newestStep(db: Db, runId: string): number {
  return (
    cached<[string], number>(db, 'SELECT max(step) FROM steps WHERE run_id = ?').pluck().get(runId) ?? -1
  );
}

/**
 * The steps after `afterStep`, oldest first, at most `limit` (the newest ones when there are more: a view
 * that fell that far behind re-reads its chart anyway). Each value is a primary-key lookup.
 */
export function stepsAfter(db: Db, runId: string, afterStep: number, limit: number): FedStep[] {
  const newest = newestStep(db, runId);
  if (newest <= afterStep) return [];
  const from = Math.max(afterStep + 1, newest - limit + 1);
  const ids = VALUE_KEYS.map((key) => findSeriesId(db, runId, key) ?? -1);
  const value = (column: string) =>
    `(SELECT value FROM metric_points WHERE series_id = ? AND step = s.step) AS ${column}`;
  const rows = cached<[number, number, number, number, number, string, number, number], StepRowWithValues>(
    db,
    `SELECT s.step, s.stage, s.active, s.mask, s.wall_ms AS wallMs, s.flops AS cumFlops,
       s.full_flops AS cumFullFlops, s.tokens, ${value('loss')}, ${value('lr')}, ${value('scale')},
       ${value('stepMs')}, ${value('examplesPerSec')}
     FROM steps s WHERE s.run_id = ? AND s.step >= ? AND s.step <= ? ORDER BY s.step`,
  ).all(...(ids as [number, number, number, number, number]), runId, from, newest);
  // NaN is stored as NULL; the charts skip non-finite values.
  const n = (v: number | null) => v ?? Number.NaN;
  return rows.map((r) => ({
    ...r,
    loss: n(r.loss),
    lr: n(r.lr),
    scale: n(r.scale),
    stepMs: n(r.stepMs),
    examplesPerSec: n(r.examplesPerSec),
  }));
}

export interface FedEvent {
  id: number;
  runId: string;
  step: number | null;
  kind: EventKind;
  payload: unknown;
}

/** The newest event id (of one run, or of all), or 0. */
export function newestEventId(db: Db, runId?: string): number {
  if (runId === undefined) return cached<[], number>(db, 'SELECT max(id) FROM events').pluck().get() ?? 0;
  return cached<[string], number>(db, 'SELECT max(id) FROM events WHERE run_id = ?').pluck().get(runId) ?? 0;
}

/** Timeline events of the given kinds after event `afterId`, in id order, at most `limit`. */
export function eventsAfter(db: Db, afterId: number, kinds: readonly EventKind[], limit: number): FedEvent[] {
  const rows = cached<
    unknown[],
    { id: number; run_id: string; step: number | null; kind: EventKind; payload: string }
  >(
    db,
    `SELECT id, run_id, step, kind, payload FROM events
     WHERE id > ? AND kind IN (${kinds.map(() => '?').join(', ')}) ORDER BY id LIMIT ?`,
  ).all(afterId, ...kinds, limit);
  return rows.map((r) => ({
    id: r.id,
    runId: r.run_id,
    step: r.step,
    kind: r.kind,
    payload: JSON.parse(r.payload) as unknown,
  }));
}
