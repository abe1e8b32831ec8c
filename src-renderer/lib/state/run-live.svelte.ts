// One run's page, live: the recorded detail from the store plus whatever the events bring in since.
// Step batches extend the loss curve, the mask heatmap and the FLOPs readout in place; evals extend the
// eval charts; status and stage changes (and a slow timer while running) re-read the detail, whose stage
// and transition tables the store computes.
import type { BackendRequest } from '../../../shared/config/schema.js';
import type { MaskRow, RunDetail, RunStatus } from '../../../shared/api-types.js';
import type { LiveStep, RaptrApi } from '../../../shared/ipc-contract.js';
import {
  appendLivePoints,
  bandFromSeries,
  emptyBand,
  type BandSeries,
  type XY,
} from '../charts/series-points.js';
import { call, messageOf } from './call.js';
import { etaMs, noGpuHint } from './run-numbers.js';
import { SingleFlight } from './single-flight.js';
import { FORECAST_KEYS } from './eval-groups.js';

export const MASK_STEPS = 120;
const ACTIVE: readonly RunStatus[] = ['queued', 'running', 'stopping'];

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  at: number;
}

export class RunLive {
  detail: RunDetail | null = $state.raw(null);
  status: RunStatus | null = $state(null);
  loadError: string | null = $state(null);
  actionError: string | null = $state(null);
  latest: LiveStep | null = $state.raw(null);
  masks: MaskRow[] = $state.raw([]);
  logs: LogLine[] = $state([]);
  lossBand: BandSeries = $state.raw(emptyBand());
  evalSeries: Record<string, XY[]> = $state.raw({});
  /** Why no GPU was used, from system:info, when this run trained on a CPU backend. */
  gpuHint: string | null = $state(null);
  /** The zoomed step range of the loss chart; null shows the whole run and follows the live edge. */
  lossRange: [number, number] | null = $state.raw(null);

  active = $derived(this.status !== null && ACTIVE.includes(this.status));
  currentStep = $derived(this.latest ? this.latest.step : (this.detail?.summary.stepsDone ?? 0) - 1);

  /** Step durations of the latest live steps, for the ETA. */
  private recentStepMs: number[] = [];
  private lossBuckets = 600;
  private liveSinceFetch = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly lossFetch = new SingleFlight(() =>
    this.fetchLoss().catch((error: unknown) => void (this.loadError = messageOf(error))),
  );
  private lossSeq = 0;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private hintAsked = false;

  constructor(
    private readonly api: RaptrApi,
    readonly id: string,
  ) {}

  async load(): Promise<void> {
    try {
      await this.refreshDetail();
      await Promise.all([this.fetchLoss(), this.fetchEvals(), this.fetchMasks()]);
      this.loadError = null;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  async refreshDetail(): Promise<void> {
    const detail = await call(this.api.runs.get({ id: this.id }));
    this.detail = detail;
    this.status = detail.run.status;
    // The backend is known once the trainer started; ask once why it is not a GPU.
    if (detail.run.backend && !this.hintAsked) void this.fetchGpuHint();
  }

  /** The loss curve's buckets follow the chart's pixel width; a resize re-buckets. */
  setLossBuckets(buckets: number): void {
    const next = Math.max(50, Math.min(4000, Math.round(buckets)));
    if (Math.abs(next - this.lossBuckets) < 40) return;
    this.lossBuckets = next;
    void this.fetchLoss();
  }

  async fetchLoss(): Promise<void> {
    const seq = ++this.lossSeq;
    const range = this.lossRange;
    const [loss] = await call(
      this.api.metrics.series({
        runId: this.id,
        keys: ['train/loss'],
        xAxis: 'step',
        buckets: this.lossBuckets,
        ...(range ? { range } : {}),
      }),
    );
    if (seq !== this.lossSeq) return; // a newer zoom asked meanwhile
    this.liveSinceFetch = 0;
    this.lossBand = loss ? bandFromSeries(loss) : emptyBand();
  }

  /** From the zoom handler: the visible steps' buckets are fetched at once, or after the fetch in flight. */
  setLossRange(range: [number, number] | null): void {
    this.lossRange = range;
    this.lossFetch.request();
  }

  async fetchEvals(): Promise<void> {
    const keys = (await call(this.api.metrics.keys({ runId: this.id }))).filter(
      (k) => k.startsWith('eval/') || FORECAST_KEYS.includes(k),
    );
    if (keys.length === 0) return;
    const results = await call(
      this.api.metrics.series({ runId: this.id, keys: keys.slice(0, 64), xAxis: 'step', buckets: 5000 }),
    );
    this.evalSeries = Object.fromEntries(results.map((r) => [r.key, bandFromSeries(r).mean]));
  }

  async fetchMasks(): Promise<void> {
    this.masks = await call(this.api.metrics.masks({ runId: this.id, last: MASK_STEPS }));
  }

  private async fetchGpuHint(): Promise<void> {
    this.hintAsked = true;
    const backend = this.detail?.run.backend;
    // A GPU backend trained it (the device line names the adapter, software or not).
    if (!backend || backend === 'tensorflow' || backend === 'webgpu') return;
    const info = await this.api.system.info({});
    if (info.ok) this.gpuHint = noGpuHint(info.value);
  }

  /** Subscribes to this run's events and polls the detail slowly while it runs; returns the cleanup. */
  listen(): () => void {
    const mine = (runId: string) => runId === this.id;
    const offs = [
      this.api.on('run:metrics', ({ runId, steps }) => mine(runId) && this.onSteps(steps)),
      this.api.on('run:status', ({ runId, status }) => {
        if (!mine(runId)) return;
        this.status = status;
        this.refreshSoon(0);
      }),
      this.api.on('run:stage', ({ runId }) => mine(runId) && this.refreshSoon(300)),
      this.api.on('run:eval', ({ runId, step, results }) => {
        if (!mine(runId)) return;
        const next = { ...this.evalSeries };
        for (const r of results)
          next[r.name] = [...(next[r.name] ?? []).filter((p) => p.x < step), { x: step, y: r.value }];
        this.evalSeries = next;
        this.refreshSoon(500);
      }),
      this.api.on('run:log', ({ runId, level, message }) => {
        if (!mine(runId)) return;
        this.logs = [...this.logs.slice(-49), { level, message, at: Date.now() }];
      }),
    ];
    this.pollTimer = setInterval(() => this.active && this.refreshSoon(0), 5000);
    return () => {
      offs.forEach((off) => off());
      if (this.refreshTimer) clearTimeout(this.refreshTimer);
      if (this.pollTimer) clearInterval(this.pollTimer);
    };
  }

  private onSteps(steps: LiveStep[]): boolean {
    const last = steps[steps.length - 1];
    if (!last) return false;
    this.latest = last;
    if (this.status === 'queued') this.status = 'running';
    this.recentStepMs = this.recentStepMs.concat(steps.map((s) => s.stepMs)).slice(-50);
    // While zoomed the chart shows a fixed window: live points land outside it and are fetched on reset.
    if (this.lossRange === null)
      this.lossBand = appendLivePoints(
        this.lossBand,
        steps.map((s) => ({ x: s.step, y: s.loss })),
      );
    this.masks = this.masks
      .concat(steps.map((s) => ({ step: s.step, stage: s.stage, mask: s.mask })))
      .slice(-MASK_STEPS);
    // Raw live points pile up past what the chart can show per pixel: re-bucket from the store.
    this.liveSinceFetch += steps.length;
    if (this.lossRange === null && this.liveSinceFetch > this.lossBuckets / 2) void this.fetchLoss();
    return true;
  }

  private refreshSoon(delayMs: number): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refreshDetail().catch((error) => (this.loadError = messageOf(error)));
    }, delayMs);
  }

  /** Milliseconds left at the recent step rate; null when unknown. */
  etaMs(): number | null {
    const summary = this.detail?.summary;
    if (!summary || !this.active) return null;
    return etaMs(summary, this.latest, this.recentStepMs);
  }

  async stop(): Promise<void> {
    await this.act(async () => void (this.status = (await call(this.api.runs.stop({ id: this.id }))).status));
  }

  /** Resumes from the latest checkpoint, on `backend` when given instead of the one the run asked for. */
  async resume(backend?: BackendRequest): Promise<void> {
    await this.act(async () => {
      const request = backend === undefined ? { id: this.id } : { id: this.id, backend };
      this.status = (await call(this.api.runs.resume(request))).status;
      this.latest = null;
    });
  }

  private async act(action: () => Promise<void>): Promise<void> {
    try {
      this.actionError = null;
      await action();
      this.refreshSoon(0);
    } catch (error) {
      this.actionError = messageOf(error);
    }
  }
}
