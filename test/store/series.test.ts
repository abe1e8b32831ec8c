// Chart queries checked against brute force over the raw points: exact buckets on the step axis, the
// documented placement on the real-valued axes, raw mode, empty answers, and rollups that stay exact
// while a series is still growing.
import { describe, expect, it } from 'vitest';
import {
  appendSeriesPoints,
  series,
  type Db,
  type MetricPoint,
  type SeriesResult,
  type XAxis,
} from '../../src-main/store/index.js';
import { makeRun, memoryDb } from './helpers.js';

/** A long series with uneven x spacing (FLOPs per step change by stage), gaps, NaNs and a spike. */
function longSeries(db: Db, points: number): { runId: string; raw: MetricPoint[] } {
  const runId = makeRun(db).id;
  const raw: MetricPoint[] = [];
  let flops = 0;
  let wallMs = 0;
  let step = 3;
  for (let i = 0; i < points; i++) {
    step += i % 997 === 0 ? 5 : 1;
    flops += 1e9 * (1 + Math.floor((4 * i) / points));
    wallMs += 10 + (i % 7);
    const value =
      i % 1013 === 0 ? null : i === 12345 ? 1e6 : 3 + Math.sin(i / 300) + ((i * 7919) % 101) / 100;
    raw.push({ step, value, wallMs, flops, tokens: step * 1024 });
  }
  for (let i = 0; i < raw.length; i += 20_000) {
    appendSeriesPoints(db, { runId, key: 'train/loss', points: raw.slice(i, i + 20_000) });
  }
  return { runId, raw };
}

function xOf(p: MetricPoint, axis: XAxis): number {
  return axis === 'step' ? p.step : axis === 'tokens' ? p.tokens : axis === 'flops' ? p.flops : p.wallMs;
}

function inRange(raw: MetricPoint[], axis: XAxis, range?: [number, number]): MetricPoint[] {
  return raw.filter(
    (p) => p.value !== null && (!range || (xOf(p, axis) >= range[0] && xOf(p, axis) <= range[1])),
  );
}

function checkTotals(result: SeriesResult, expected: MetricPoint[]): void {
  const values = expected.map((p) => p.value!);
  expect(result.count.reduce((a, b) => a + b, 0)).toBe(values.length);
  expect(Math.min(...result.min)).toBe(Math.min(...values));
  expect(Math.max(...result.max)).toBe(Math.max(...values));
  const sum = result.mean.reduce((total, mean, i) => total + mean * result.count[i]!, 0);
  expect(sum).toBeCloseTo(
    values.reduce((a, b) => a + b, 0),
    3,
  );
}

describe('series', () => {
  const db = memoryDb();
  const { runId, raw } = longSeries(db, 60_000);
  const first = raw[0]!;
  const last = raw[raw.length - 1]!;

  it('buckets the step axis exactly, at every zoom', () => {
    const ranges: Array<[number, number] | undefined> = [
      undefined,
      [first.step, last.step],
      [1000.5, 1200.2],
      [17, 40_017],
      [33_333, 33_333 + 2 * 4096 + 5],
    ];
    for (const range of ranges) {
      for (const buckets of [7, 100, 1000]) {
        const [result] = series(db, { runId, keys: ['train/loss'], xAxis: 'step', range, buckets });
        const expected = inRange(raw, 'step', range && [Math.ceil(range[0]), Math.floor(range[1])]);
        if (expected.length <= buckets) {
          expect(result!.mode).toBe('raw');
          expect(result!.x).toEqual(expected.map((p) => p.step));
          continue;
        }
        expect(result!.mode).toBe('buckets');
        expect(result!.x.length).toBeLessThanOrEqual(buckets);
        expect(result!.x.length).toBeGreaterThanOrEqual(Math.min(buckets / 2, expected.length / 100));
        const { width } = result!;
        const origin = result!.x[0]!;
        const brute = new Map<number, number[]>();
        for (const p of expected) {
          const start = origin + Math.floor((p.step - origin) / width) * width;
          const values = brute.get(start);
          if (values) values.push(p.value!);
          else brute.set(start, [p.value!]);
        }
        expect(result!.x).toEqual([...brute.keys()]);
        result!.x.forEach((x, i) => {
          const values = brute.get(x)!;
          expect(result!.count[i]).toBe(values.length);
          expect(result!.min[i]).toBe(Math.min(...values));
          expect(result!.max[i]).toBe(Math.max(...values));
          expect(result!.mean[i]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 9);
        });
        checkTotals(result!, expected);
      }
    }
  });

  it('on FLOPs, tokens and wall time puts each cell in the bucket of its first x, within the range', () => {
    for (const axis of ['flops', 'tokens', 'wall'] as const) {
      const span = xOf(last, axis) - xOf(first, axis);
      const ranges: Array<[number, number] | undefined> = [
        undefined,
        [xOf(first, axis) + span * 0.1, xOf(first, axis) + span * 0.9],
        [xOf(first, axis) + span * 0.5, xOf(first, axis) + span * 0.52],
      ];
      for (const range of ranges) {
        const [result] = series(db, { runId, keys: ['train/loss'], xAxis: axis, range, buckets: 300 });
        const expected = inRange(raw, axis, range);
        expect(result!.mode).toBe('buckets');
        checkTotals(result!, expected);
        const lo = range ? range[0] : xOf(first, axis);
        const hi = range ? range[1] : xOf(last, axis);
        result!.x.forEach((x, i) => {
          const slack = result!.width * 1e-9;
          expect(result!.xFirst[i]).toBeGreaterThanOrEqual(Math.max(lo, x) - slack);
          expect(result!.xFirst[i]).toBeLessThan(x + result!.width + slack);
          expect(result!.xLast[i]).toBeLessThanOrEqual(hi);
          if (i > 0) expect(result!.xFirst[i]).toBeGreaterThan(result!.xLast[i - 1]!);
        });
      }
    }
  });

  it('keeps a spike visible at any bucket count', () => {
    for (const buckets of [10, 500]) {
      const [result] = series(db, { runId, keys: ['train/loss'], xAxis: 'flops', buckets });
      expect(Math.max(...result!.max)).toBe(1e6);
    }
  });

  it('returns raw points when the range holds fewer points than buckets, and nothing for unknown keys', () => {
    const range: [number, number] = [raw[100]!.flops, raw[150]!.flops];
    const [result, missing] = series(db, {
      runId,
      keys: ['train/loss', 'nope'],
      xAxis: 'flops',
      range,
      buckets: 80,
    });
    expect(result!.mode).toBe('raw');
    expect(result!.x).toEqual(inRange(raw, 'flops', range).map((p) => p.flops));
    expect(result!.min).toEqual(result!.max);
    expect(missing).toMatchObject({ key: 'nope', mode: 'empty', x: [] });
    const [outside] = series(db, { runId, keys: ['train/loss'], range: [1e12, 2e12], buckets: 10 });
    expect(outside!.mode).toBe('empty');
  });

  it('stays exact while the series grows (partial rollup cells)', () => {
    const growing = makeRun(db).id;
    const points: MetricPoint[] = [];
    for (let step = 0; step < 5000; step++) {
      points.push({ step, value: (step * 37) % 101, wallMs: step, flops: step * 10, tokens: step });
      if (step % 777 === 776 || step === 4999) {
        appendSeriesPoints(db, { runId: growing, key: 'k', points: points.splice(0) });
        const [result] = series(db, { runId: growing, keys: ['k'], buckets: 10 });
        const stored = step + 1;
        expect(result!.count.reduce((a, b) => a + b, 0)).toBe(stored);
        expect(result!.x.length).toBeLessThanOrEqual(10);
      }
    }
  });

  it('validates the query, naming the field', () => {
    expect(() => series(db, { runId, keys: [], buckets: 10 })).toThrow(/series query\.keys/);
    expect(() => series(db, { runId, keys: ['k'], xAxis: 'time' as never })).toThrow(/series query\.xAxis/);
    expect(() => series(db, { runId, keys: ['k'], range: [5, 1] })).toThrow(/series query\.range/);
    expect(() => series(db, { runId, keys: ['k'], buckets: 0 })).toThrow(/series query\.buckets/);
    expect(() => appendSeriesPoints(db, { runId, key: 'train/loss', points: [first] })).toThrow(
      /is not after step/,
    );
  });
});
