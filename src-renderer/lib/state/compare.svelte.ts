// The compare view: runs overlaid on one x-axis (FLOPs by default: the fair axis for a method that saves
// FLOPs per step), grouped by task, each group with the metric the user picked and the FLOPs each run needed
// to reach a target; the config fields that differ across all of them. Zoom and pan set a visible range;
// each range change re-fetches min/max buckets for just that range. Ids that name no run (deleted since the
// link was made) are reported and left out instead of blanking the view.
import { X_AXES, type CompareResult, type ConfigDifference, type XAxis } from '../../../shared/api-types.js';
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { EVAL_MASKING_SHORT, HELD_OUT_LOSS_KEYS, seriesKeysOf } from '../../../shared/metrics.js';
import { bandFromSeries, emptyBand } from '../charts/series-points.js';
import type { XRange } from '../charts/zoom.js';
import type { CompareOptions, Params } from '../router/routes.js';
import { call, messageOf } from './call.js';
import { CompareGroup, parseTarget, type RunCurves } from './compare-group.svelte.js';
import { SingleFlight } from './single-flight.js';

export type { RunCurves };
export { parseTarget };

const DEFAULT_SMOOTHING = 0.6;

export class CompareState {
  xAxis: XAxis = $state('flops');
  logY = $state(false);
  logX = $state(false);
  smoothing = $state(DEFAULT_SMOOTHING);
  range: XRange | null = $state.raw(null);

  groups: CompareGroup[] = $state.raw([]);
  differences: ConfigDifference[] = $state.raw([]);
  /** Every compared run in the order of `differences`' values. */
  runs: CompareResult['runs'] = $state.raw([]);
  missing: string[] = $state.raw([]);
  error: string | null = $state(null);
  loading = $state(true);
  /** How long the last re-fetch took, shown beside the zoom controls (and read by the UI benchmark). */
  fetchMs: number | null = $state(null);
  /** Curve fetches that landed; the page exposes it so tests and the UI benchmark can wait for a redraw. */
  fetchCount = $state(0);

  /** The first group's comparison (the task of the first run): what a one-task comparison is. */
  result = $derived(this.groups[0]?.result ?? null);
  /** Every run's curves, in the order asked for, whatever its group. */
  curves = $derived(this.groups.flatMap((g) => g.curves));

  private buckets = 800;
  private fetchSeq = 0;
  private readonly rangeFetch = new SingleFlight(() => this.fetchCurves());
  private readonly groupParams: Params;

  constructor(
    private readonly api: RaptrApi,
    readonly ids: string[],
    private readonly options: CompareOptions = {},
    params: Params = {},
  ) {
    this.xAxis = options.xAxis ?? 'flops';
    this.logY = options.logY ?? false;
    this.smoothing = options.smoothing ?? DEFAULT_SMOOTHING;
    this.groupParams = params;
  }

  async load(): Promise<void> {
    // The compare answer names the tasks and metrics; rather than wait for it, the curves are fetched at the
    // same time for every held-out key it can name (a run has only one of them, so nothing extra comes back).
    const key = this.options.key;
    const guessKeys = [...(key ? seriesKeysOf(key) : []), ...HELD_OUT_LOSS_KEYS].filter(
      (k, i, all) => all.indexOf(k) === i,
    );
    const compared = this.fetchGroups();
    await Promise.all([compared, this.fetchCurves(guessKeys, compared)]);
    // A deleted run in the link fails that first request; the runs that exist are fetched again.
    if (this.fetchCount === 0 && this.groups.length > 0) await this.fetchCurves();
    this.loading = false;
    // The metric picker's choices are not needed to draw: read them once the charts are up.
    setTimeout(() => this.groups.forEach((group) => void group.loadMetricKeys()), 500);
  }

  /** One comparison of every run, which names each run's task; then one per further task. */
  private async fetchGroups(): Promise<void> {
    const target = parseTarget(this.options.at !== undefined ? String(this.options.at) : '');
    try {
      const first = await call(
        this.api.runs.compare({
          ids: this.ids,
          ...(this.options.key ? { key: this.options.key } : {}),
          ...(target.value !== undefined ? { atLoss: target.value } : {}),
        }),
      );
      this.missing = first.missing;
      this.differences = first.differences;
      this.runs = first.runs;
      this.groups = this.makeGroups(first);
      // One task: the first answer is that task's comparison. Several: its default target and ratios mixed
      // the tasks' values, so each group asks for its own.
      if (this.groups.length === 1) this.groups[0]!.accept(first);
      else await Promise.all(this.groups.map((g) => g.fetchCompare()));
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  private makeGroups(first: CompareResult): CompareGroup[] {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Map, never stored
    const byTask = new Map<string, { evalKey: string; ids: string[] }>();
    for (const run of first.runs) {
      const group = byTask.get(run.task) ?? { evalKey: run.evalKey, ids: [] };
      group.ids.push(run.id);
      byTask.set(run.task, group);
    }
    return [...byTask].map(([task, { evalKey, ids }], i) => {
      const key = i === 0 ? first.key : this.groupParams[`key.${task}`];
      const at = i === 0 ? this.options.at : Number(this.groupParams[`at.${task}`] ?? Number.NaN);
      return new CompareGroup(this.api, task, ids, evalKey, key, Number.isFinite(at) ? at : undefined);
    });
  }

  /**
   * Every run's train loss and its group's metric in one request; `guessKeys` stands in for the metric
   * before the groups are known, and `compared` is the compare request to wait for before picking it.
   */
  async fetchCurves(guessKeys?: string[], compared: Promise<void> = Promise.resolve()): Promise<void> {
    const seq = ++this.fetchSeq;
    const started = performance.now();
    const ids = this.groups.length > 0 ? this.groups.flatMap((g) => g.ids) : this.ids;
    const keysOf = (id: string) => this.groups.find((g) => g.ids.includes(id))?.seriesKeysOf(id) ?? [];
    try {
      // One request for every run's curves: a round trip per run is what made a 20-run zoom slow.
      const answers = await call(
        this.api.metrics.batch({
          queries: ids.map((runId) => ({
            runId,
            keys: ['train/loss', ...(guessKeys ?? keysOf(runId))],
            xAxis: this.xAxis,
            buckets: this.buckets,
            ...(this.range ? { range: this.range } : {}),
          })),
        }),
      );
      await compared; // on first load the compare answer, which names the groups, arrives alongside
      if (seq !== this.fetchSeq) return; // a newer range was asked for meanwhile
      for (const group of this.groups)
        group.curves = group.ids.map((id) => {
          const results = answers[ids.indexOf(id)] ?? [];
          const train = results.find((r) => r.key === 'train/loss');
          const evals = keysOf(id)
            .map((key) => results.find((r) => r.key === key))
            .find((found) => found !== undefined);
          return {
            id,
            train: train ? bandFromSeries(train) : emptyBand(),
            eval: evals ? bandFromSeries(evals).mean : [],
          };
        });
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

  /** The metric picker of one group: its chart and its FLOPs-to-target table follow. */
  setMetric(group: CompareGroup, key: string): void {
    group.key = key;
    group.targetText = '';
    void group.fetchCompare();
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

  /** The view as address params: the compare options of the first group, `key.<task>`, `at.<task>` of others. */
  params(): Params {
    const params: Params = {};
    if (this.xAxis !== 'flops') params.x = this.xAxis;
    if (this.logY) params.logy = '1';
    if (this.smoothing !== DEFAULT_SMOOTHING) params.smooth = String(this.smoothing);
    this.groups.forEach((group, i) => {
      const keyName = i === 0 ? 'key' : `key.${group.task}`;
      const atName = i === 0 ? 'at' : `at.${group.task}`;
      if (group.key !== group.defaultKey) params[keyName] = group.key;
      const given = group.result?.targetSource === 'given' ? group.result.target : null;
      if (given !== null) params[atName] = String(given);
    });
    return params;
  }

  /** Back and forward: the axis, scales, smoothing, and each group's metric and target. */
  applyParams(params: Params): void {
    const x = params.x as XAxis;
    const axis = X_AXES.includes(x) ? x : 'flops';
    if (axis !== this.xAxis) this.setAxis(axis);
    this.logY = params.logy === '1';
    const smooth = Number(params.smooth ?? Number.NaN);
    this.smoothing = params.smooth !== undefined && smooth >= 0 && smooth < 1 ? smooth : DEFAULT_SMOOTHING;
    this.groups.forEach((group, i) => {
      const key = params[i === 0 ? 'key' : `key.${group.task}`] ?? group.defaultKey;
      const at = params[i === 0 ? 'at' : `at.${group.task}`] ?? '';
      const given = group.result?.targetSource === 'given' ? String(group.result.target) : '';
      if (key !== group.key) this.setMetric(group, key);
      if (at !== given) {
        group.targetText = at;
        void group.fetchCompare();
      }
    });
  }

  listen(): () => void {
    const watched = (runId: string) => this.ids.includes(runId);
    const refresh = () => {
      for (const group of this.groups) void group.fetchCompare();
      void this.fetchCurves();
    };
    const offs = [
      this.api.on('run:status', ({ runId }) => watched(runId) && refresh()),
      this.api.on('run:eval', ({ runId }) => watched(runId) && refresh()),
    ];
    return () => offs.forEach((off) => off());
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
