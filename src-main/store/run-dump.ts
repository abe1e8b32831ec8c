// Everything one run recorded, read whole and exact (no buckets, no rollups): what metric exports and run
// bundles are made of. Points come straight from metric_points in (key, step) order.
import { listEvents, type RunEvent } from './events.js';
import type { MetricPoint } from './metrics.js';
import { cached, type Db } from './sqlite.js';
import type { StepRow } from './step-queries.js';

export interface KeyedPoint extends MetricPoint {
  key: string;
}

/** Every per-step row of a run, in step order. */
export function allSteps(db: Db, runId: string): StepRow[] {
  return cached<[string], StepRow>(
    db,
    `SELECT step, stage, active, mask, wall_ms AS wallMs, flops, full_flops AS fullFlops, tokens
     FROM steps WHERE run_id = ? ORDER BY step`,
  ).all(runId);
}

const POINT_PAGE = 50_000;

/**
 * Every metric point of a run, ordered by key then step, a page at a time: a long CSV of millions of points
 * is written without holding them all. Each page is read whole (no statement stays open between pages), so
 * the connection stays free for the ingestor while an export waits on its output file.
 */
export function* runPointPages(db: Db, runId: string, pageSize = POINT_PAGE): Generator<KeyedPoint[]> {
  const seriesOfRun = cached<[string], { id: number; key: string }>(
    db,
    'SELECT id, key FROM series WHERE run_id = ? ORDER BY key',
  ).all(runId);
  const page = cached<[number, number, number], MetricPoint>(
    db,
    `SELECT step, value, wall_ms AS wallMs, flops, tokens FROM metric_points
     WHERE series_id = ? AND step > ? ORDER BY step LIMIT ?`,
  );
  for (const { id, key } of seriesOfRun) {
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const points = page.all(id, after, pageSize);
      if (points.length > 0) yield points.map((p) => ({ key, ...p }));
      if (points.length < pageSize) break;
      after = points.at(-1)!.step;
    }
  }
}

/** Every series of a run, whole: { key: points in step order }. */
export function allSeries(db: Db, runId: string): Record<string, MetricPoint[]> {
  const result: Record<string, MetricPoint[]> = {};
  for (const points of runPointPages(db, runId))
    for (const { key, ...point } of points) (result[key] ??= []).push(point);
  return result;
}

const EVENT_PAGE = 10_000;

/** Every event of a run in id order (the store lists events a page at a time). */
export function allEvents(db: Db, runId: string): RunEvent[] {
  const events: RunEvent[] = [];
  let afterId: number | undefined;
  for (;;) {
    const page = listEvents(db, runId, { afterId, limit: EVENT_PAGE });
    events.push(...page);
    if (page.length < EVENT_PAGE) return events;
    afterId = page.at(-1)!.id;
  }
}
