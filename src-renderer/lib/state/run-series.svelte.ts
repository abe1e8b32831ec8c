// The series the run page draws, each on the x-axis its chart shows. The train loss follows the chart's
// pixel width (min/max buckets) and takes live steps as raw points; groups of sparse series (evals, system
// metrics) are fetched whole for each axis a chart asks for, and re-read when new points are recorded.
import type { XAxis } from '../../../shared/api-types.js';
import type { LiveStep, RaptrApi } from '../../../shared/ipc-contract.js';
import {
  appendLivePoints,
  bandFromSeries,
  emptyBand,
  type BandSeries,
  type XY,
} from '../charts/series-points.js';
import { request } from '../api/prefetch.js';
import { call } from './call.js';
import { lossBucketsFor, lossRequest } from './run-requests.js';

/** Where a live step sits on each x-axis. */
export function liveX(step: Pick<LiveStep, 'step' | 'tokens' | 'cumFlops' | 'wallMs'>, axis: XAxis): number {
  switch (axis) {
    case 'step':
      return step.step;
    case 'tokens':
      return step.tokens;
    case 'flops':
      return step.cumFlops;
    case 'wall':
      return step.wallMs;
  }
}

export class LossSeries {
  band: BandSeries = $state.raw(emptyBand());
  axis: XAxis = $state('step');
  /** The zoomed range on the current axis; null shows the whole run and follows the live edge. */
  range: [number, number] | null = $state.raw(null);
  private buckets = lossBucketsFor(typeof window === 'undefined' ? 1440 : window.innerWidth);
  private seq = 0;
  private liveSinceFetch = 0;

  constructor(
    private readonly api: RaptrApi,
    private readonly runId: string,
  ) {}

  async fetch(): Promise<void> {
    const seq = ++this.seq;
    const { axis, range } = this;
    const query = { ...lossRequest(this.runId, this.buckets), xAxis: axis, ...(range ? { range } : {}) };
    const [loss] = await call(request(this.api, 'metrics:series', query));
    if (seq !== this.seq) return; // a newer zoom or axis asked meanwhile
    this.liveSinceFetch = 0;
    this.band = loss ? bandFromSeries(loss) : emptyBand();
  }

  /** Buckets follow the chart's width; true when that changed enough (a quarter) to re-fetch. */
  setBuckets(pixels: number): boolean {
    const next = Math.max(50, Math.min(4000, Math.round(pixels)));
    if (Math.abs(next - this.buckets) < this.buckets / 4) return false;
    this.buckets = next;
    return true;
  }

  setAxis(axis: XAxis): void {
    if (axis === this.axis) return;
    this.axis = axis;
    this.range = null;
    this.band = emptyBand();
  }

  /** Live steps as raw points; past half a chart of them, the buckets are fetched again (true). */
  append(steps: readonly LiveStep[]): boolean {
    if (this.range !== null) return false; // a zoomed chart shows a fixed window
    const axis = this.axis;
    this.band = appendLivePoints(
      this.band,
      steps.map((s) => ({ x: liveX(s, axis), y: s.loss })),
    );
    this.liveSinceFetch += steps.length;
    return this.liveSinceFetch > this.buckets / 2;
  }
}

/** A family of series chosen by key (the evals, the system metrics), per x-axis, fetched on demand. */
export class KeyedSeries {
  keys: string[] = $state.raw([]);
  byAxis: Partial<Record<XAxis, Record<string, XY[]>>> = $state.raw({});
  /** The axes some chart shows: kept fresh by refresh(). */
  private wanted: XAxis[] = ['step'];
  /** Fetches in flight, by axis: charts asking for the same axis at once share one. */
  private inFlight: Partial<Record<XAxis, Promise<void>>> = {};

  constructor(
    private readonly api: RaptrApi,
    private readonly runId: string,
    private readonly belongs: (key: string) => boolean,
    private readonly buckets: number,
  ) {}

  /** The points of `key` on `axis`, or none yet (ensure() fetches them). */
  points(key: string, axis: XAxis): XY[] {
    return this.byAxis[axis]?.[key] ?? [];
  }

  setKeys(all: readonly string[]): void {
    const keys = all.filter(this.belongs);
    if (keys.join('\n') !== this.keys.join('\n')) this.keys = keys;
  }

  /** A chart wants this axis: fetched now if it was not, and kept fresh from then on. */
  ensure(axis: XAxis): void {
    if (this.wanted.includes(axis) && this.byAxis[axis]) return;
    if (!this.wanted.includes(axis)) this.wanted.push(axis);
    void this.fetchAxis(axis).catch(() => {}); // the page reports load errors; a chart stays empty
  }

  /** Re-reads every axis a chart shows (new evals, new samples). */
  async refresh(): Promise<void> {
    await Promise.all(this.wanted.map((axis) => this.fetchAxis(axis)));
  }

  private fetchAxis(axis: XAxis): Promise<void> {
    const running = this.inFlight[axis];
    if (running) return running;
    const done = this.readAxis(axis).finally(() => delete this.inFlight[axis]);
    this.inFlight[axis] = done;
    return done;
  }

  private async readAxis(axis: XAxis): Promise<void> {
    if (this.keys.length === 0) return;
    const results = await call(
      this.api.metrics.series({
        runId: this.runId,
        keys: this.keys.slice(0, 64),
        xAxis: axis,
        buckets: this.buckets,
      }),
    );
    const points = Object.fromEntries(results.map((r) => [r.key, bandFromSeries(r).mean]));
    this.byAxis = { ...this.byAxis, [axis]: points };
  }

  /** A live eval: its points go onto the step axis at once; other axes are re-read. */
  addAtStep(step: number, values: ReadonlyArray<{ name: string; value: number }>): void {
    const onSteps = { ...(this.byAxis.step ?? {}) };
    for (const { name, value } of values)
      onSteps[name] = [...(onSteps[name] ?? []).filter((p) => p.x < step), { x: step, y: value }];
    this.byAxis = { ...this.byAxis, step: onSteps };
    const names = values.map((v) => v.name).filter((name) => !this.keys.includes(name));
    if (names.length > 0) this.setKeys([...this.keys, ...names]);
  }
}
