import { describe, expect, it } from 'vitest';
import type { SeriesResult } from '../../shared/api-types.js';
import { appendLivePoints, bandFromSeries } from '../../src-renderer/lib/charts/series-points.js';

const buckets: SeriesResult = {
  key: 'train/loss',
  mode: 'buckets',
  cellSteps: 16,
  width: 100,
  x: [0, 100, 200, 300],
  min: [2.0, 1.8, 1.7, 1.6],
  // Bucket 1 holds a one-step spike: its max keeps it visible, its mean hides it.
  max: [2.4, 9.5, 1.9, 1.7],
  mean: [2.2, 1.95, Number.NaN, 1.65],
  count: [100, 100, 100, 40],
  xFirst: [0, 100, 200, 300],
  xLast: [99, 199, 299, 339],
};

describe('bandFromSeries', () => {
  it('keeps each bucket’s min and max as a band, so spikes survive downsampling', () => {
    const band = bandFromSeries(buckets);
    expect(band.max.map((p) => p.y)).toEqual([2.4, 9.5, 1.7]);
    expect(band.min.map((p) => p.y)).toEqual([2.0, 1.8, 1.6]);
    expect(band.mean.map((p) => p.y)).toEqual([2.2, 1.95, 1.65]);
  });

  it('puts a bucket at the middle of the x values that fell in it, and skips buckets with no finite mean', () => {
    const band = bandFromSeries(buckets);
    expect(band.mean.map((p) => p.x)).toEqual([49.5, 149.5, 319.5]); // the partial last bucket sits on its data
    expect(band.lastX).toBe(339);
  });

  it('uses raw points as they are', () => {
    const raw: SeriesResult = {
      ...buckets,
      mode: 'raw',
      width: 0,
      x: [5, 6],
      min: [1, 2],
      max: [1, 2],
      mean: [1, 2],
      count: [1, 1],
      xFirst: [5, 6],
      xLast: [5, 6],
    };
    expect(bandFromSeries(raw).mean).toEqual([
      { x: 5, y: 1 },
      { x: 6, y: 2 },
    ]);
  });
});

describe('appendLivePoints', () => {
  it('appends only live points past what the fetch covered', () => {
    const band = bandFromSeries(buckets);
    const next = appendLivePoints(band, [
      { x: 338, y: 1.0 },
      { x: 340, y: 1.5 },
      { x: 341, y: Number.NaN },
      { x: 342, y: 1.4 },
    ]);
    expect(next.mean.slice(-2)).toEqual([
      { x: 340, y: 1.5 },
      { x: 342, y: 1.4 },
    ]);
    expect(next.min.length).toBe(band.min.length + 2);
    expect(next.lastX).toBe(342);
    expect(appendLivePoints(next, [{ x: 300, y: 3 }])).toBe(next);
  });
});
