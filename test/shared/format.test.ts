import { describe, expect, it } from 'vitest';
import { formatDuration, formatFlops, formatMetric, formatPercent, formatSi } from '../../shared/format.js';

describe('human numbers', () => {
  it('formats FLOPs with SI prefixes', () => {
    expect(formatFlops(1.2e15)).toBe('1.2 PFLOP');
    expect(formatFlops(15.7e9)).toBe('15.7 GFLOP');
    expect(formatFlops(950e6)).toBe('950 MFLOP');
    expect(formatFlops(12)).toBe('12 FLOP');
    expect(formatSi(12345)).toBe('12.3 k');
  });

  it('formats durations the way people say them', () => {
    expect(formatDuration(950)).toBe('950ms');
    expect(formatDuration(12_300)).toBe('12s');
    expect(formatDuration(4_200)).toBe('4.2s');
    expect(formatDuration(200_000)).toBe('3m 20s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000)).toBe('2h 05m');
    expect(formatDuration(-1)).toBe('-');
    expect(formatDuration(0)).toBe('0s');
  });

  it('formats percentages and metrics', () => {
    expect(formatPercent(0.2134)).toBe('21.3%');
    expect(formatMetric(2.912345)).toBe('2.912');
    expect(formatMetric(0.00001234)).toBe('1.23e-5');
  });
});
