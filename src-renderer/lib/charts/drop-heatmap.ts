// The blocks x steps heatmap of drop losses (stability/drop_block_{i}: the held-out loss with block i
// bypassed minus the full model's, at each evaluation). One column per evaluation, spanning the steps since
// the previous one, on the run's step axis; block 0 at the bottom, as in the mask heatmap. Pure geometry and
// colour so it can be tested without a canvas; drawDropHeatmap only paints what they return.
import { blockOfDropKey } from '../../../shared/stability-keys.js';
import { paintBlockGrid, sizedCanvas, type CanvasSize } from './canvas.js';
import type { StageBand } from './stage-bands.js';

export interface DropColumn {
  /** The evaluation's step (0-based). */
  step: number;
  /** By block; null where the block was not measured (not grown yet, under stacking). */
  drops: Array<number | null>;
}

/** Columns from the drop_block series ({key: points}), in step order; other keys are ignored. */
export function dropColumns(series: Record<string, ReadonlyArray<{ x: number; y: number }>>): DropColumn[] {
  const byStep = new Map<number, Array<number | null>>();
  for (const [key, points] of Object.entries(series)) {
    const block = blockOfDropKey(key);
    if (block === null) continue;
    for (const { x, y } of points) {
      const drops = byStep.get(x) ?? [];
      drops[block] = Number.isFinite(y) ? y : null;
      byStep.set(x, drops);
    }
  }
  return [...byStep.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([step, drops]) => ({ step, drops: Array.from(drops, (d) => d ?? null) }));
}

/** Adds one evaluation's results (a live run:eval event) to the columns. */
export function withEvaluation(
  columns: readonly DropColumn[],
  step: number,
  results: ReadonlyArray<{ name: string; value: number }>,
): DropColumn[] {
  const drops: Array<number | null> = [];
  for (const { name, value } of results) {
    const block = blockOfDropKey(name);
    if (block !== null) drops[block] = Number.isFinite(value) ? value : null;
  }
  if (drops.length === 0) return [...columns];
  const column = { step, drops: Array.from(drops, (d) => d ?? null) };
  return [...columns.filter((c) => c.step < step), column];
}

/**
 * The colour scale: |drop| on a log scale from 0 to the largest, with `typical` (the median nonzero size)
 * a third of the way up, so both the blocks everything depends on (often the first and last) and the
 * nearly free ones stay readable. intensity() is in [0, 1].
 */
export interface DropScale {
  largest: number;
  typical: number;
  intensity(value: number): number;
}

export function dropScale(columns: readonly DropColumn[]): DropScale {
  const sizes = columns
    .flatMap((c) => c.drops)
    .filter((d): d is number => d !== null && d !== 0)
    .map(Math.abs)
    .sort((a, b) => a - b);
  const largest = sizes.at(-1) ?? 0;
  const typical = sizes[Math.floor(sizes.length / 2)] ?? 0;
  // log1p(x / s) / log1p(largest / s) puts `typical` at about a third when s = typical / 2.
  const s = Math.max(typical / 2, largest * 1e-4, Number.MIN_VALUE);
  const top = Math.log1p(largest / s);
  return {
    largest,
    typical,
    intensity: (value) => (top > 0 ? Math.min(1, Math.log1p(Math.abs(value) / s) / top) : 0),
  };
}

export interface DropCell {
  column: number;
  block: number;
  /** The steps the cell covers: from the previous evaluation (or 0) to this one, inclusive. */
  fromStep: number;
  toStep: number;
  value: number | null;
}

export function dropCells(columns: readonly DropColumn[]): DropCell[] {
  const cells: DropCell[] = [];
  columns.forEach((column, i) => {
    const fromStep = i === 0 ? 0 : columns[i - 1]!.step + 1;
    column.drops.forEach((value, block) =>
      cells.push({ column: i, block, fromStep, toStep: column.step, value }),
    );
  });
  return cells;
}

/** The cell under a point of the plot (x on the step axis, a fraction 0..1 from the bottom), or null. */
export function cellAt(
  cells: readonly DropCell[],
  blocks: number,
  step: number,
  fromBottom: number,
): DropCell | null {
  const block = Math.floor(fromBottom * blocks);
  return cells.find((c) => c.block === block && step >= c.fromStep && step < c.toStep + 1) ?? null;
}

export interface DropColors {
  /** Dropping the block raises the loss (it is needed), and lowers it. */
  hurts: string;
  helps: string;
  absent: string;
  /** Stage band fills (alternating), their label colour, and the divider at a stage start. */
  bands: [string, string];
  text: string;
  divider: string;
}

/** rgba() of a #rrggbb colour at `alpha`. */
function tint(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha.toFixed(3)})`;
}

export function cellColor(value: number | null, scale: DropScale, colors: DropColors): string {
  if (value === null) return colors.absent;
  if (value === 0) return tint(colors.hurts, 0.04);
  return tint(value > 0 ? colors.hurts : colors.helps, 0.08 + 0.92 * scale.intensity(value));
}

/** Height of the stage strip above the cells, in CSS pixels. */
export const BAND_STRIP = 18;

export function drawDropHeatmap(
  canvas: HTMLCanvasElement,
  size: CanvasSize,
  view: { columns: readonly DropColumn[]; totalSteps: number; bands: readonly StageBand[] },
  colors: DropColors,
): void {
  const sized = sizedCanvas(canvas, size);
  if (!sized) return;
  const { ctx, width, height } = sized;
  const blocks = Math.max(0, ...view.columns.map((c) => c.drops.length));
  if (blocks === 0 || view.totalSteps <= 0) return;
  const px = (step: number) => (step / view.totalSteps) * width;

  view.bands.forEach((band, i) => {
    const left = px(band.start);
    const right = px(band.end);
    ctx.globalAlpha = band.reached ? 1 : 0.45;
    ctx.fillStyle = colors.bands[i % 2]!;
    ctx.fillRect(left, 0, right - left, BAND_STRIP);
    ctx.globalAlpha = 1;
    if (right - left < 40) return;
    ctx.fillStyle = colors.text;
    ctx.font = '600 11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.fillText(band.title, left + 5, BAND_STRIP / 2, right - left - 8);
  });

  const scale = dropScale(view.columns);
  paintBlockGrid(
    sized,
    { top: BAND_STRIP, height: height - BAND_STRIP, blocks, rowGap: 1 },
    dropCells(view.columns).map((cell) => ({
      left: px(cell.fromStep),
      width: px(cell.toStep + 1) - px(cell.fromStep) - 0.5,
      block: cell.block,
      color: cellColor(cell.value, scale, colors),
    })),
    { xs: view.bands.slice(1).map((band) => px(band.start)), color: colors.divider },
  );
  // What was painted, readable without pixels: for tests and for anyone inspecting the page.
  canvas.dataset.points = String(view.columns.length * blocks);
  canvas.dataset.stageBands = view.bands.map((b) => b.title).join('|');
}
