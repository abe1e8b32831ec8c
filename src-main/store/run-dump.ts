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

/**
 * Every metric point of a run, ordered by key then step, one row at a time: a long CSV of millions of
 * points is written without holding them all. The (run_id, key) index and the points' primary key give
 * this order without a sort.
 */
export function iterateRunPoints(db: Db, runId: string): IterableIterator<KeyedPoint> {
  return cached<[string], KeyedPoint>(
    db,
    `SELECT series.key AS key, p.step AS step, p.value AS value, p.wall_ms AS wallMs, p.flops AS flops,
       p.tokens AS tokens
     FROM series JOIN metric_points AS p ON p.series_id = series.id
     WHERE series.run_id = ? ORDER BY series.key, p.step`,
  ).iterate(runId);
}

/** Every series of a run, whole: { key: points in step order }. */
export function allSeries(db: Db, runId: string): Record<string, MetricPoint[]> {
  const result: Record<string, MetricPoint[]> = {};
  for (const { key, ...point } of iterateRunPoints(db, runId)) (result[key] ??= []).push(point);
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
