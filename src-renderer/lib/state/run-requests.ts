// What the run page asks for when it opens, in one place: the page uses these requests, and the app starts
// them before the page's code has loaded (lib/api/prefetch.ts). Kept free of chart code, so the app's first
// bundle can import it.
import type { ChannelRequest } from '../../../shared/ipc-contract.js';

export const MASK_STEPS = 120;

/**
 * About one loss bucket per pixel of the loss chart, guessed from the window before the chart exists (two
 * thirds of the content width, less the card's padding). The chart re-buckets only when its real width is
 * far from this.
 */
export function lossBucketsFor(windowWidth: number): number {
  const content = Math.min(windowWidth, 1320) - 48;
  const chart = windowWidth > 900 ? ((content - 16) * 2) / 3 - 80 : content - 80;
  return Math.max(50, Math.min(4000, Math.round(chart)));
}

export function lossRequest(id: string, buckets: number): ChannelRequest<'metrics:series'> {
  return { runId: id, keys: ['train/loss'], xAxis: 'step', buckets };
}

export const detailRequest = (id: string): ChannelRequest<'runs:get'> => ({ id });
export const keysRequest = (id: string): ChannelRequest<'metrics:keys'> => ({ runId: id });
export const masksRequest = (id: string): ChannelRequest<'metrics:masks'> => ({
  runId: id,
  last: MASK_STEPS,
});
