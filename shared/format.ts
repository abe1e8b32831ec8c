// Numbers as people read them: 1.2 PFLOP, 3m 20s, 12.3k. Used by the CLI and the renderer alike.

const SI = [
  { exp: 18, prefix: 'E' },
  { exp: 15, prefix: 'P' },
  { exp: 12, prefix: 'T' },
  { exp: 9, prefix: 'G' },
  { exp: 6, prefix: 'M' },
  { exp: 3, prefix: 'k' },
];

/** 3 significant digits with an SI prefix: 1.23 G, 950 M, 12 (below 1000 as is). */
export function formatSi(value: number, unit = ''): string {
  if (!Number.isFinite(value)) return `${value}${unit ? ` ${unit}` : ''}`;
  const abs = Math.abs(value);
  for (const { exp, prefix } of SI) {
    if (abs >= 10 ** exp) return `${trim(value / 10 ** exp)} ${prefix}${unit}`.trimEnd();
  }
  return `${trim(value)}${unit ? ` ${unit}` : ''}`;
}

function trim(x: number): string {
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(x.toFixed(digits)));
}

export function formatFlops(flops: number): string {
  return formatSi(flops, 'FLOP');
}

/** 950ms, 12.3s, 3m 20s, 2h 05m, 3d 4h. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms === 0) return '0s'; // an axis's origin, not a measured "0ms"
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** 0.213 -> "21.3%". */
export function formatPercent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A loss or metric value: 4 significant digits, no exponent for ordinary magnitudes. */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}
