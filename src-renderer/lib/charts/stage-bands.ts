// The stages of a run drawn behind its loss curve as shaded, labelled bands (no run tracker does this;
// PRODUCT.md). Geometry is a pure function so it can be tested without a canvas; the chart.js plugin below
// only paints what it returns.
import type { Chart, Plugin } from 'chart.js';
import type { StagePlan } from '../../../shared/trainer-protocol.js';

export interface StageBand {
  index: number;
  /** First step of the stage and the first step after it (exclusive), on the chart's x-axis. */
  start: number;
  end: number;
  title: string;
  subtitle: string;
  /** Whether the run has reached this stage yet; later stages are drawn fainter. */
  reached: boolean;
}

export interface BandRect {
  index: number;
  left: number;
  right: number;
  title: string;
  subtitle: string;
  /** Alternating shade, so neighbouring stages stay distinguishable without a border. */
  shade: 0 | 1;
  reached: boolean;
  /** Whether the band is wide enough for its label. */
  labelled: boolean;
}

/** Minimum width in pixels for a band to carry its label. */
export const MIN_LABEL_WIDTH = 44;

/** "stage 2 of 4 · p=0.60" -> title "stage 2", subtitle "p=0.60 · 4 blocks". */
export function bandsFromPlan(stages: readonly StagePlan[], currentStep: number): StageBand[] {
  return stages.map((stage) => {
    const head = stage.label.split(' · ')[0] ?? stage.label;
    const title = head.replace(/ of \d+$/, '');
    const blocks = Number(stage.expectedActive.toFixed(2));
    return {
      index: stage.index,
      start: stage.startStep,
      end: stage.endStep,
      title,
      subtitle: `p=${stage.p.toFixed(2)} · ${blocks} blocks`,
      reached: currentStep >= stage.startStep,
    };
  });
}

/** Pixel rectangles for the bands that are visible between area.left and area.right. */
export function stageBandRects(
  bands: readonly StageBand[],
  toPixel: (x: number) => number,
  area: { left: number; right: number },
): BandRect[] {
  const rects: BandRect[] = [];
  for (const band of bands) {
    const left = Math.max(area.left, toPixel(band.start));
    const right = Math.min(area.right, toPixel(band.end));
    if (!(right > left)) continue;
    rects.push({
      index: band.index,
      left,
      right,
      title: band.title,
      subtitle: band.subtitle,
      shade: band.index % 2 === 0 ? 0 : 1,
      reached: band.reached,
      labelled: right - left >= MIN_LABEL_WIDTH,
    });
  }
  return rects;
}

export interface StageBandOptions {
  bands: StageBand[];
  /** Two fills, alternated by stage, and the label colour. */
  fills: [string, string];
  text: string;
  /** Small charts show only the stage name; the main loss chart adds p and the expected blocks. */
  subtitles?: boolean;
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface PluginOptionsByType<TType> {
    stageBands?: StageBandOptions;
  }
}

export const stageBandsPlugin: Plugin<'line', StageBandOptions> = {
  id: 'stageBands',
  beforeDatasetsDraw(chart: Chart, _args, options) {
    const bands = options?.bands ?? [];
    const x = chart.scales.x;
    if (bands.length === 0 || !x) {
      delete chart.canvas.dataset.stageBands;
      return;
    }
    const { ctx, chartArea } = chart;
    const rects = stageBandRects(bands, (v) => x.getPixelForValue(v), chartArea);
    ctx.save();
    for (const rect of rects) {
      ctx.globalAlpha = rect.reached ? 1 : 0.45;
      ctx.fillStyle = options.fills[rect.shade];
      ctx.fillRect(rect.left, chartArea.top, rect.right - rect.left, chartArea.bottom - chartArea.top);
      if (!rect.labelled) continue;
      ctx.fillStyle = options.text;
      ctx.textBaseline = 'top';
      ctx.font = '600 11px system-ui, sans-serif';
      ctx.fillText(rect.title, rect.left + 6, chartArea.top + 5, rect.right - rect.left - 10);
      if (options.subtitles === false) continue;
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillText(rect.subtitle, rect.left + 6, chartArea.top + 19, rect.right - rect.left - 10);
    }
    ctx.restore();
    // What was painted, readable without pixels: for tests and for anyone inspecting the page.
    chart.canvas.dataset.stageBands = rects.map((r) => r.title).join('|');
  },
};
