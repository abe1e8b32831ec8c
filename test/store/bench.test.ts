// The store benchmark runs end to end on small sizes (the real numbers come from `node dist/bench/store.js`).
import { describe, expect, it } from 'vitest';
import { benchStore } from '../../bench/store.js';

describe('benchStore', () => {
  it('reports ingest rate, query times for every x-axis and the file size', async () => {
    const result = await benchStore({ ingestPoints: 6000, seriesPoints: 30_000, repeats: 1 });
    for (const key of [
      'ingest_points_per_s',
      'series_ms_step',
      'series_ms_tokens',
      'series_ms_flops',
      'series_ms_wall',
      'file_bytes',
    ]) {
      expect(result[key], key).toBeGreaterThan(0);
    }
    expect(result.series_points).toBe(30_000);
  });
});
