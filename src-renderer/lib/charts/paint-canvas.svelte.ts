// A canvas drawn from reactive state (the heatmaps draw straight on a canvas, no chart library).
import type { Attachment } from 'svelte/attachments';

/**
 * An attachment that calls `draw` now, again whenever the reactive state it reads changes, and again when
 * the canvas is resized (its backing store must follow its CSS size).
 */
export function paintCanvas(draw: (canvas: HTMLCanvasElement) => void): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    const redraw = () => draw(canvas);
    $effect(redraw);
    const observer = new ResizeObserver(redraw);
    observer.observe(canvas);
    return () => observer.disconnect();
  };
}
