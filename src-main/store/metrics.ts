// Metric series: which keys a run has, their raw points, and the point lookups other queries build on.
import { z } from 'zod';
import { cached, type Db } from './sqlite.js';

export const XAxisSchema = z.enum(['step', 'tokens', 'flops', 'wall']);
export type XAxis = z.output<typeof XAxisSchema>;

/** Column names per x-axis, for points and for rollup cells. Fixed strings: safe to splice into SQL. */
export const X_COLUMNS: Record<XAxis, { point: string; first: string; last: string }> = {
  step: { point: 'step', first: 'first_step', last: 'last_step' },
  tokens: { point: 'tokens', first: 'first_tokens', last: 'last_tokens' },
  flops: { point: 'flops', first: 'first_flops', last: 'last_flops' },
  wall: { point: 'wall_ms', first: 'first_wall_ms', last: 'last_wall_ms' },
};

export interface MetricPoint {
  step: number;
  /** null when the trainer reported NaN. */
  value: number | null;
  wallMs: number;
  flops: number;
  tokens: number;
}

const POINT_COLUMNS = 'step, value, wall_ms AS wallMs, flops, tokens';

export function findSeriesId(db: Db, runId: string, key: string): number | undefined {
  return cached<[string, string], number>(db, 'SELECT id FROM series WHERE run_id = ? AND key = ?')
    .pluck()
    .get(runId, key);
}

/** The metric keys a run has recorded, sorted ("eval/loss", "perf/step_ms", "train/loss", ...). */
export function listSeriesKeys(db: Db, runId: string): string[] {
  return cached<[string], string>(db, 'SELECT key FROM series WHERE run_id = ? ORDER BY key')
    .pluck()
    .all(runId);
}

/** Finite values only: NaN is stored as NULL, and +-Infinity fails the bound. */
const FINITE = 'abs(value) <= 1.7976931348623157e308';

/** The lowest and the last finite value of a run's series (a best and a final loss); nulls without any. */
export function seriesBestAndLast(
  db: Db,
  runId: string,
  key: string,
): { best: number | null; last: number | null } {
  const id = findSeriesId(db, runId, key);
  if (id === undefined) return { best: null, last: null };
  const best = cached<[number], number | null>(
    db,
    `SELECT min(value) FROM metric_points WHERE series_id = ? AND ${FINITE}`,
  )
    .pluck()
    .get(id);
  const last = cached<[number], number>(
    db,
    `SELECT value FROM metric_points WHERE series_id = ? AND ${FINITE} ORDER BY step DESC LIMIT 1`,
  )
    .pluck()
    .get(id);
  return { best: best ?? null, last: last ?? null };
}

/** Points of one series between two steps (inclusive), in step order. */
export function readPoints(db: Db, seriesId: number, fromStep: number, toStep: number): MetricPoint[] {
  return cached<[number, number, number], MetricPoint>(
    db,
    `SELECT ${POINT_COLUMNS} FROM metric_points WHERE series_id = ? AND step BETWEEN ? AND ? ORDER BY step`,
  ).all(seriesId, fromStep, toStep);
}

/** The first point at or after `step`, or the last at or before it. */
export function pointAtOrAfter(db: Db, seriesId: number, step: number): MetricPoint | undefined {
  return cached<[number, number], MetricPoint>(
    db,
    `SELECT ${POINT_COLUMNS} FROM metric_points WHERE series_id = ? AND step >= ? ORDER BY step LIMIT 1`,
  ).get(seriesId, step);
}

export function pointAtOrBefore(db: Db, seriesId: number, step: number): MetricPoint | undefined {
  return cached<[number, number], MetricPoint>(
    db,
    `SELECT ${POINT_COLUMNS} FROM metric_points WHERE series_id = ? AND step <= ? ORDER BY step DESC LIMIT 1`,
  ).get(seriesId, step);
}

export function xOf(point: MetricPoint, axis: XAxis): number {
  switch (axis) {
    case 'step':
      return point.step;
    case 'tokens':
      return point.tokens;
    case 'flops':
      return point.flops;
    case 'wall':
      return point.wallMs;
  }
}

/** Every eval series of a run ("eval/..." keys), whole: evals are sparse, a few hundred points at most. */
export function evalSeries(db: Db, runId: string, prefix = 'eval/'): Record<string, MetricPoint[]> {
  const result: Record<string, MetricPoint[]> = {};
  // A key range rather than LIKE: LIKE ignores case, and the range walks the (run_id, key) index.
  const series = cached<[string, string, string], { id: number; key: string }>(
    db,
    'SELECT id, key FROM series WHERE run_id = ? AND key >= ? AND key < ? ORDER BY key',
  );
  for (const { id, key } of series.all(runId, prefix, `${prefix}\uffff`)) {
    result[key] = readPoints(db, id, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  }
  return result;
}
