// Small Markdown helpers for the study reports.
import { formatPercent } from '../../shared/format.js';

export function table(
  headers: string[],
  rows: Array<Array<string | number>>,
  align?: Array<'l' | 'r'>,
): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, '\\|');
  const rule = headers.map((_, i) => ((align?.[i] ?? 'l') === 'r' ? '---:' : '---'));
  return [headers, rule, ...rows.map((r) => r.map(cell))].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

export function image(alt: string, path: string): string {
  return `![${alt}](${path})`;
}

/** Mean and sample standard deviation, "0.123 ± 0.004" (just the value for one sample). */
export function meanSd(values: number[], format: (x: number) => string): string {
  if (values.length === 0) return '-';
  const m = mean(values);
  if (values.length === 1) return format(m);
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1));
  return `${format(m)} ± ${format(sd)}`;
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** A loss for a table cell: three decimals, "-" where there is no number. */
export function decimal3(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(3);
}

/** A fraction as a percentage for a table cell, "-" where there is no number. */
export function percentCell(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? '-' : formatPercent(x);
}
