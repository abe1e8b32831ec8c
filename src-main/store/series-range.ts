// Turning a chart request (an x-range on any axis, a bucket count) into a step range and a rollup level.
// Every x-axis (step, tokens, cumulative FLOPs, wall time) grows with the step, so an x-range is a step
// range, found by binary search over the series' primary key (about 2 x 20 index seeks).
import { CELL_STEPS } from './rollups.js';
import { cached, type Db } from './sqlite.js';
import { pointAtOrAfter, pointAtOrBefore, readPoints, xOf, type XAxis } from './metrics.js';

export interface StepRange {
  first: number;
  last: number;
}

/** The steps of the series' first and last points, or undefined for an empty series. */
export function seriesExtent(db: Db, seriesId: number): StepRange | undefined {
  const first = cached<[number], number>(
    db,
    'SELECT step FROM metric_points WHERE series_id = ? ORDER BY step LIMIT 1',
  )
    .pluck()
    .get(seriesId);
  if (first === undefined) return undefined;
  const last = cached<[number], number>(
    db,
    'SELECT step FROM metric_points WHERE series_id = ? ORDER BY step DESC LIMIT 1',
  )
    .pluck()
    .get(seriesId)!;
  return { first, last };
}

/** The steps of the first and last points whose x lies in [x0, x1], or undefined when none does. */
export function stepsWithin(
  db: Db,
  seriesId: number,
  extent: StepRange,
  axis: XAxis,
  x0: number,
  x1: number,
): StepRange | undefined {
  if (axis === 'step') {
    const first = Math.max(extent.first, Math.ceil(x0));
    const last = Math.min(extent.last, Math.floor(x1));
    return first <= last ? { first, last } : undefined;
  }
  // Smallest s whose next point has x >= x0.
  let lo = extent.first;
  let hi = extent.last;
  if (xOf(pointAtOrAfter(db, seriesId, hi)!, axis) < x0) return undefined;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (xOf(pointAtOrAfter(db, seriesId, mid)!, axis) >= x0) hi = mid;
    else lo = mid + 1;
  }
  const first = pointAtOrAfter(db, seriesId, lo)!.step;
  // Largest s whose previous point has x <= x1.
  lo = first;
  hi = extent.last;
  if (xOf(pointAtOrBefore(db, seriesId, lo)!, axis) > x1) return undefined;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (xOf(pointAtOrBefore(db, seriesId, mid)!, axis) <= x1) lo = mid;
    else hi = mid - 1;
  }
  const last = pointAtOrBefore(db, seriesId, lo)!.step;
  return first <= last ? { first, last } : undefined;
}

/** At most this many rows are aggregated per requested bucket: 4 halves a 100k-step query against 8 (about 2 ms for 1200 buckets) and still lands within a few percent of the bucket count asked for. */
const CELLS_PER_BUCKET = 4;

/** The finest rollup level whose cells over the range stay within budget; 0 means raw points. */
export function chooseCellSteps(range: StepRange, buckets: number): number {
  const budget = Math.max(CELLS_PER_BUCKET * buckets, 256);
  const span = range.last - range.first + 1;
  if (span <= budget) return 0;
  for (const cellSteps of CELL_STEPS) if (span / cellSteps <= budget) return cellSteps;
  return CELL_STEPS[CELL_STEPS.length - 1]!;
}

/**
 * Which whole cells lie inside the range, and the raw step ranges left over at its two edges (the cells
 * straddling the range ends are not used: their points outside the range must not count).
 */
export interface Cover {
  blocks: [number, number] | null;
  rawEdges: Array<[number, number]>;
}

export function coverRange(range: StepRange, cellSteps: number): Cover {
  if (cellSteps === 0) return { blocks: null, rawEdges: [[range.first, range.last]] };
  const firstBlock = Math.ceil(range.first / cellSteps);
  const lastBlock = Math.floor((range.last + 1) / cellSteps) - 1;
  if (firstBlock > lastBlock) return { blocks: null, rawEdges: [[range.first, range.last]] };
  const rawEdges: Array<[number, number]> = [];
  if (range.first < firstBlock * cellSteps) rawEdges.push([range.first, firstBlock * cellSteps - 1]);
  if ((lastBlock + 1) * cellSteps <= range.last) rawEdges.push([(lastBlock + 1) * cellSteps, range.last]);
  return { blocks: [firstBlock, lastBlock], rawEdges };
}

export interface Geometry {
  origin: number;
  width: number;
  buckets: number;
  /** Whole-number division on the step axis; the others divide reals and truncate. */
  integral: boolean;
}

/** Bucket origin and width; on the step axis aligned to whole cells so no cell straddles two buckets. */
export function bucketGeometry(
  db: Db,
  seriesId: number,
  range: StepRange,
  axis: XAxis,
  requested: [number, number] | undefined,
  buckets: number,
  cellSteps: number,
): Geometry {
  if (axis === 'step') {
    const start = requested ? Math.max(Math.floor(requested[0]), range.first) : range.first;
    const origin = cellSteps > 0 ? Math.floor(start / cellSteps) * cellSteps : start;
    let width = Math.max(1, Math.ceil((range.last - origin + 1) / buckets));
    if (cellSteps > 0) width = Math.ceil(width / cellSteps) * cellSteps;
    return { origin, width, buckets, integral: true };
  }
  const points = readPoints(db, seriesId, range.first, range.first);
  const lastPoints = readPoints(db, seriesId, range.last, range.last);
  const x0 = requested ? requested[0] : xOf(points[0]!, axis);
  const x1 = requested ? requested[1] : xOf(lastPoints[0]!, axis);
  const width = x1 > x0 ? (x1 - x0) / buckets : 1;
  return { origin: x0, width, buckets, integral: false };
}
