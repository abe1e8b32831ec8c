// A canvas drawn from reactive state (the heatmaps draw straight on a canvas, no chart library).
import type { Attachment } from 'svelte/attachments';
import type { CanvasSize } from './canvas.js';

/**
 * An attachment that calls `draw` once the canvas has a size, again whenever the reactive state it reads
 * changes, and again when the canvas is resized (its backing store must follow its CSS size). The size
 * comes from a ResizeObserver, after the browser's own layout: reading it off the canvas while the page is
 * still being built would force a layout of the whole page at every mount (most of a cold run page load).
 */
export function paintCanvas(
  draw: (canvas: HTMLCanvasElement, size: CanvasSize) => void,
): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    let size: CanvasSize | null = $state.raw(null);
    const observer = new ResizeObserver(([entry]) => {
      if (entry) size = { width: entry.contentRect.width, height: entry.contentRect.height };
    });
    observer.observe(canvas);
    $effect(() => {
      if (size) draw(canvas, size);
    });
    return () => observer.disconnect();
  };
}
