// The layers x recent-steps heatmap of active-block masks: one column per step (newest on the right), one
// row per block (block 0 at the bottom, as in a network diagram). Drawn straight on a canvas: a few
// thousand rectangles, no chart library needed.
import type { MaskRow } from '../../../shared/api-types.js';
import { paintBlockGrid, sizedCanvas, type CanvasSize } from './canvas.js';

export interface HeatCell {
  column: number;
  /** Block index: 0 is the first (lowest) block. */
  block: number;
  state: 'active' | 'bypassed' | 'absent';
}

export interface HeatmapLayout {
  columns: number;
  blocks: number;
  cells: HeatCell[];
  /** Columns where a new stage begins (a thin divider is drawn there). */
  stageStarts: number[];
}

export function heatmapLayout(rows: readonly MaskRow[], columns: number): HeatmapLayout {
  const shown = rows.slice(-columns);
  const blocks = Math.max(0, ...shown.map((r) => r.mask.length));
  const offset = columns - shown.length; // right-align: the newest step is always the last column
  const cells: HeatCell[] = [];
  const stageStarts: number[] = [];
  shown.forEach((row, i) => {
    const column = offset + i;
    if (i > 0 && row.stage !== shown[i - 1]!.stage) stageStarts.push(column);
    for (let block = 0; block < row.mask.length; block++) {
      const c = row.mask[block];
      cells.push({ column, block, state: c === '1' ? 'active' : c === '0' ? 'bypassed' : 'absent' });
    }
  });
  return { columns, blocks, cells, stageStarts };
}

export interface HeatColors {
  active: string;
  bypassed: string;
  absent: string;
  divider: string;
}

export function drawHeatmap(
  canvas: HTMLCanvasElement,
  size: CanvasSize,
  layout: HeatmapLayout,
  colors: HeatColors,
): void {
  const sized = sizedCanvas(canvas, size);
  if (!sized || layout.blocks === 0) return;
  const cw = sized.width / layout.columns;
  const gap = cw > 4 ? 1 : 0;
  paintBlockGrid(
    sized,
    { top: 0, height: sized.height, blocks: layout.blocks, rowGap: 2 },
    layout.cells.map((cell) => ({
      left: cell.column * cw,
      width: cw - gap,
      block: cell.block,
      color: colors[cell.state],
    })),
    { xs: layout.stageStarts.map((column) => column * cw), color: colors.divider },
  );
}
