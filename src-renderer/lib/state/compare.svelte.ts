// The compare view: runs overlaid on one x-axis (FLOPs by default: the fair axis for a method that saves
// FLOPs per step), the config fields that differ, and the FLOPs each run needed to reach a target loss.
// Zoom and pan set a visible range; each range change re-fetches min/max buckets for just that range.
import type { CompareResult, XAxis } from '../../../shared/api-types.js';
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { bandFromSeries, emptyBand, type BandSeries, type XY } from '../charts/series-points.js';
import type { XRange } from '../charts/zoom.js';
import { EVAL_MASKING_SHORT, HELD_OUT_LOSS_KEYS, seriesKeysOf } from '../../../shared/metrics.js';
import { call, messageOf } from './call.js';
import { SingleFlight } from './single-flight.js';
import type { CompareOptions } from '../router/routes.js';

export interface RunCurves {
  id: string;
  train: BandSeries;
  eval: XY[];
}

export class CompareState {
  xAxis: XAxis = $state('flops');
  logY = $state(false);
  logX = $state(false);
  smoothing = $state(0.6);
  range: XRange | null = $state.raw(null);
  targetText = $state('');

  result: CompareResult | null = $state.raw(null);
  curves: RunCurves[] = $state.raw([]);
  error: string | null = $state(null);
  loading = $state(true);
  /** How long the last re-fetch took, shown beside the zoom controls (and read by the UI benchmark). */
  fetchMs: number | null = $state(null);
  /** Curve fetches that landed; the page exposes it so tests and the UI benchmark can wait for a redraw. */
  fetchCount = $state(0);

  private buckets = 800;
  private fetchSeq = 0;
  private readonly rangeFetch = new SingleFlight(() => this.fetchCurves());

  constructor(
    private readonly api: RaptrApi,
    readonly ids: string[],
    private readonly options: CompareOptions = {},
  ) {
    this.xAxis = options.xAxis ?? 'flops';
    this.logY = options.logY ?? false;
    this.smoothing = options.smoothing ?? 0.6;
    this.targetText = options.at !== undefined ? String(options.at) : '';
  }

  async load(): Promise<void> {
    // The compare answer names the eval key to draw; rather than wait for it, the curves are fetched at the
    // same time for every key it can name (a run has only one of them, so nothing extra comes back).
    const evalKeys = this.options.key ? seriesKeysOf(this.options.key) : [...HELD_OUT_LOSS_KEYS];
    const compared = this.fetchCompare();
    await Promise.all([compared, this.fetchCurves(evalKeys, compared)]);
    this.loading = false;
  }

  async fetchCompare(): Promise<void> {
    const target = Number(this.targetText);
    const atLoss = this.targetText.trim() !== '' && Number.isFinite(target) ? target : undefined;
    try {
      const key = this.options.key;
      this.result = await call(this.api.runs.compare({ ids: this.ids, atLoss, ...(key ? { key } : {}) }));
      if (this.targetText === '' && this.result.target !== null)
        this.targetText = String(Number(this.result.target.toPrecision(4)));
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /**
   * Every run's train loss and eval curve in one request; `evalKeys` defaults to the compared key, and
   * `compared` is the compare request to wait for before picking the eval curve among them.
   */
  async fetchCurves(evalKeys?: string[], compared: Promise<void> = Promise.resolve()): Promise<void> {
    const seq = ++this.fetchSeq;
    const started = performance.now();
    // The compared key, under each run's own name for it (the training-masking loss has two).
    const runKeys = (this.result?.runs ?? []).map((r) => r.seriesKey);
    const keys = ['train/loss', ...(evalKeys ?? runKeys.filter((k, i) => runKeys.indexOf(k) === i))];
    try {
      // One request for every run's curves: a round trip per run is what made a 20-run zoom slow.
      const answers = await call(
        this.api.metrics.batch({
          queries: this.ids.map((runId) => ({
            runId,
            keys,
            xAxis: this.xAxis,
            buckets: this.buckets,
            ...(this.range ? { range: this.range } : {}),
          })),
        }),
      );
      await compared; // on first load the compare answer, which names the key, arrives alongside
      const curves = this.ids.map((id, i) => {
        const results = answers[i] ?? [];
        const train = results.find((r) => r.key === 'train/loss');
        // Each run's own series for the key (the training-masking loss has two names).
        const evalKey = this.result?.runs.find((r) => r.id === id)?.seriesKey ?? this.result?.key;
        const evals = results.find((r) => r.key === evalKey);
        return {
          id,
          train: train ? bandFromSeries(train) : emptyBand(),
          eval: evals ? bandFromSeries(evals).mean : [],
        };
      });
      if (seq !== this.fetchSeq) return; // a newer range was asked for meanwhile
      this.curves = curves;
      this.fetchMs = performance.now() - started;
      this.fetchCount++;
    } catch (error) {
      if (seq === this.fetchSeq) this.error = messageOf(error);
    }
  }

  setAxis(axis: XAxis): void {
    this.xAxis = axis;
    this.range = null;
    void this.fetchCurves();
  }

  setBuckets(pixels: number): void {
    this.buckets = Math.max(50, Math.min(4000, Math.round(pixels)));
  }

  /** From the zoom handler: the visible range's buckets are fetched at once, or after the fetch in flight. */
  setRange(range: XRange | null): void {
    this.range = range;
    this.rangeFetch.request();
  }

  listen(): () => void {
    const watched = (runId: string) => this.ids.includes(runId);
    const refresh = () => {
      void this.fetchCompare();
      void this.fetchCurves();
    };
    const offs = [
      this.api.on('run:status', ({ runId }) => watched(runId) && refresh()),
      this.api.on('run:eval', ({ runId }) => watched(runId) && refresh()),
    ];
    return () => {
      offs.forEach((off) => off());
    };
  }
}

/** "1.31x fewer FLOPs to reach 2.9" for a ratio against the first run (ratio > 1: this run needed fewer). */
export function ratioSentence(ratio: number | null, target: number | null, baseline: boolean): string {
  if (baseline) return 'reference run';
  if (ratio === null || target === null) return 'did not reach the target';
  const shown = Number(target.toPrecision(4));
  if (Math.abs(ratio - 1) < 0.005) return `same FLOPs to reach ${shown}`;
  return ratio > 1
    ? `${ratio.toFixed(2)}x fewer FLOPs to reach ${shown}`
    : `${(1 / ratio).toFixed(2)}x more FLOPs to reach ${shown}`;
}

/** The "against the first run" cell of run `i`: no ratio links runs that measured the key differently. */
export function againstFirst(result: CompareResult, i: number): string {
  const run = result.runs[i]!;
  const first = result.runs[0]!;
  if (i > 0 && run.evalMasking && first.evalMasking && run.evalMasking !== first.evalMasking)
    return `measured with ${EVAL_MASKING_SHORT[run.evalMasking]}: not compared`;
  return ratioSentence(run.flopsRatio, result.target, i === 0);
}

/** A run's name, with how it measured the key when the runs did not all measure it alike. */
export function runLabel(result: CompareResult | null, id: string): string {
  const run = result?.runs.find((r) => r.id === id);
  if (!run) return id;
  return result?.maskingNote && run.evalMasking
    ? `${run.name} (${EVAL_MASKING_SHORT[run.evalMasking]})`
    : run.name;
}

/** How every run measured the key, when they all did it one way and it matters: " · [MASK] at every target". */
export function sharedMasking(result: CompareResult | null): string {
  const first = result?.runs[0]?.evalMasking;
  if (!result || !first || result.runs.some((r) => r.evalMasking !== first)) return '';
  return ` · ${EVAL_MASKING_SHORT[first]}`;
}

/**
 * The comparison in one sentence per other run, from the first run's side: "Quickstart needed 1.53x fewer
 * FLOPs than Quickstart · full to reach 6.46". Runs that did not reach the target are left out.
 */
export function headlines(result: CompareResult): string[] {
  const [first, ...others] = result.runs;
  if (!first || result.target === null || !first.reach) return [];
  const target = Number(result.target.toPrecision(4));
  return others.flatMap((run) => {
    const ratio = run.flopsRatio;
    if (ratio === null) return [];
    if (Math.abs(ratio - 1) < 0.005)
      return [`${first.name} and ${run.name} needed the same FLOPs to reach ${target}`];
    return ratio < 1
      ? [`${first.name} needed ${(1 / ratio).toFixed(2)}x fewer FLOPs than ${run.name} to reach ${target}`]
      : [`${first.name} needed ${ratio.toFixed(2)}x more FLOPs than ${run.name} to reach ${target}`];
  });
}
