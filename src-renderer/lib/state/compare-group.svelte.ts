// One task's runs in the compare view. Runs of different tasks record different metrics (an MLM run has no
// polynomial error, and their losses are on different scales), so each task gets its own charts, metric and
// FLOPs-to-target table rather than sharing one where the others silently vanish.
import type { CompareResult } from '../../../shared/api-types.js';
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { higherIsBetter, seriesKeysOf } from '../../../shared/metrics.js';
import type { BandSeries, XY } from '../charts/series-points.js';
import { call, messageOf } from './call.js';

export interface RunCurves {
  id: string;
  train: BandSeries;
  eval: XY[];
}

/** "2.9" -> 2.9; "" -> undefined (the default target); anything else -> an error to show. */
export function parseTarget(text: string): { value?: number; error?: string } {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return { error: `“${trimmed}” is not a number; type a loss such as 2.9` };
  return { value };
}

export class CompareGroup {
  /** The metric drawn and compared; the task's held-out loss unless the user picked another. */
  key: string = $state('');
  result: CompareResult | null = $state.raw(null);
  curves: RunCurves[] = $state.raw([]);
  targetText = $state('');
  targetError: string | null = $state(null);
  error: string | null = $state(null);
  /** Every metric these runs recorded, for the picker (loaded after the charts). */
  metricKeys: string[] = $state.raw([]);

  /** A target only makes sense for a loss or error going down to it. */
  reachable = $derived(!higherIsBetter(this.key));

  constructor(
    private readonly api: RaptrApi,
    readonly task: string,
    readonly ids: string[],
    readonly defaultKey: string,
    key?: string,
    target?: number,
  ) {
    this.key = key ?? defaultKey;
    this.targetText = target !== undefined ? String(target) : '';
  }

  /**
   * The series that hold this group's metric for run `id`, the likelier first: the run's own name for it once
   * the comparison for this metric is in (the training-masking loss has two), else every name it may have.
   */
  seriesKeysOf(id: string): string[] {
    const run = this.result?.key === this.key ? this.result.runs.find((r) => r.id === id) : undefined;
    return run ? [run.seriesKey] : seriesKeysOf(this.key);
  }

  /** The comparison for this group (its runs, its metric, the target typed). */
  async fetchCompare(): Promise<void> {
    const target = parseTarget(this.targetText);
    this.targetError = target.error ?? null;
    if (target.error) return;
    try {
      const result = await call(
        this.api.runs.compare({
          ids: this.ids,
          key: this.key,
          ...(target.value !== undefined && this.reachable ? { atLoss: target.value } : {}),
        }),
      );
      this.accept(result);
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Takes a comparison made for more runs (the first request, before the tasks were known) as this group's. */
  accept(result: CompareResult): void {
    const runs = result.runs.filter((r) => this.ids.includes(r.id));
    this.result = { ...result, runs };
    if (this.targetText === '' && result.target !== null && result.targetSource !== 'given')
      this.targetText = String(Number(result.target.toPrecision(4)));
    this.error = null;
  }

  private keysAsked = false;

  async loadMetricKeys(): Promise<void> {
    if (this.keysAsked) return;
    this.keysAsked = true;
    const lists = await Promise.all(this.ids.map((runId) => this.api.metrics.keys({ runId })));
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Set to dedupe, never stored
    const keys = new Set<string>();
    for (const list of lists) if (list.ok) list.value.forEach((k) => keys.add(k));
    this.metricKeys = [...keys].filter((k) => !k.startsWith('perf/') || k === 'perf/examples_per_s').sort();
  }
}
