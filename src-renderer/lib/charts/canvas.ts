// What the heatmaps share about drawing straight on a canvas (a few thousand rectangles, no chart library):
// a backing store sized to the canvas's CSS box at the screen's pixel ratio, and a grid of one row per block,
// block 0 at the bottom as in a network diagram, with dividers at stage changes.

/** A canvas's CSS box, in CSS pixels (as a ResizeObserver reports it). */
export interface CanvasSize {
  width: number;
  height: number;
}

export interface SizedCanvas {
  ctx: CanvasRenderingContext2D;
  /** CSS pixels: the context is scaled so that drawing in them is sharp at any pixel ratio. */
  width: number;
  height: number;
}

/**
 * The canvas's 2D context, its backing store resized to its CSS box (`size`, as a ResizeObserver reports it)
 * and cleared; null without a 2D context.
 */
export function sizedCanvas(canvas: HTMLCanvasElement, { width, height }: CanvasSize): SizedCanvas | null {
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** One cell of a blocks grid: its horizontal span in CSS pixels, its block and its fill. */
export interface BlockCell {
  left: number;
  width: number;
  block: number;
  color: string;
}

/**
 * Fills the cells in rows of `blocks` between `top` and `top + height`, block 0 at the bottom, leaving
 * `rowGap` pixels between rows; then a 2-pixel divider at each x in `dividers`, over the whole canvas height.
 */
export function paintBlockGrid(
  { ctx, height: canvasHeight }: SizedCanvas,
  grid: { top: number; height: number; blocks: number; rowGap: number },
  cells: Iterable<BlockCell>,
  dividers: { xs: readonly number[]; color: string },
): void {
  const rowHeight = grid.height / grid.blocks;
  for (const cell of cells) {
    ctx.fillStyle = cell.color;
    const y = grid.top + grid.height - (cell.block + 1) * rowHeight;
    ctx.fillRect(cell.left, y + grid.rowGap / 2, Math.max(1, cell.width), rowHeight - grid.rowGap);
  }
  ctx.fillStyle = dividers.color;
  for (const x of dividers.xs) ctx.fillRect(x - 1, 0, 2, canvasHeight);
}
