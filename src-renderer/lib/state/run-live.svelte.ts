// The live run page's state: the run detail, the numbers that move (latest step, ETA), the series the charts
// draw (run-series.svelte.ts), the mask heatmap, the log lines. Step batches extend the loss band and the
// heatmap in place (no fetch per step); evals, stage changes and status changes (and a slow poll while it
// runs) re-read the detail, whose stage and transition tables the store computes. It works the same for a
// run another process trains: the server announces what that process writes.
import type { LogEntry, MaskRow, RunDetail, RunStatus } from '../../../shared/api-types.js';
import type { BackendRequest } from '../../../shared/config/schema.js';
import type { LiveStep, RaptrApi } from '../../../shared/ipc-contract.js';
import { call, messageOf } from './call.js';
import { request } from '../api/prefetch.js';
import { etaMs, noGpuHint } from './run-numbers.js';
import { detailRequest, keysRequest, MASK_STEPS, masksRequest } from './run-requests.js';
import { KeyedSeries, LossSeries } from './run-series.svelte.js';
import { SingleFlight } from './single-flight.js';
import { isEvalKey } from './eval-groups.js';

export { MASK_STEPS };
const ACTIVE: readonly RunStatus[] = ['queued', 'running', 'stopping'];
const LOG_LINES = 500;

export type LogLine = Pick<LogEntry, 'level' | 'message' | 'time' | 'step'> & { key: string };

export class RunLive {
  detail: RunDetail | null = $state.raw(null);
  status: RunStatus | null = $state(null);
  loadError: string | null = $state(null);
  actionError: string | null = $state(null);
  /** Set when the run was deleted (here or elsewhere) while the page was open. */
  deleted = $state(false);
  latest: LiveStep | null = $state.raw(null);
  masks: MaskRow[] = $state.raw([]);
  logs: LogLine[] = $state.raw([]);
  logError: string | null = $state(null);
  /** Why no GPU was used, from system:info, when this run trained on a CPU backend. */
  gpuHint: string | null = $state(null);

  readonly loss: LossSeries;
  readonly evals: KeyedSeries;
  readonly system: KeyedSeries;

  active = $derived(this.status !== null && ACTIVE.includes(this.status));
  currentStep = $derived(this.latest ? this.latest.step : (this.detail?.summary.stepsDone ?? 0) - 1);

  /** Step durations of the latest live steps, for the ETA. */
  private recentStepMs: number[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly lossFetch: SingleFlight;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private hintAsked = false;
  private logSeq = 0;
  /** Read only once the log is shown; then re-read with the detail. */
  private logsShown = false;
  /** Live log lines received so far (their keys are live0, live1, ...). */
  private liveLines = 0;

  constructor(
    private readonly api: RaptrApi,
    readonly id: string,
  ) {
    this.loss = new LossSeries(api, id);
    this.evals = new KeyedSeries(api, id, isEvalKey, 5000);
    this.system = new KeyedSeries(api, id, (k) => k.startsWith('system/'), 1000);
    this.lossFetch = new SingleFlight(() =>
      this.loss.fetch().catch((error: unknown) => void (this.loadError = messageOf(error))),
    );
  }

  // The loss chart's band and zoom, as the chart components and tests read them.
  get lossBand() {
    return this.loss.band;
  }
  get lossRange() {
    return this.loss.range;
  }

  async load(): Promise<void> {
    try {
      await Promise.all([this.refreshDetail(), this.loss.fetch(), this.fetchKeyed(), this.fetchMasks()]);
      if (this.logsShown) void this.fetchLogs().catch((error: unknown) => (this.logError = messageOf(error)));
      this.loadError = null;
    } catch (error) {
      this.loadError = messageOf(error);
    }
  }

  async refreshDetail(): Promise<void> {
    const detail = await call(request(this.api, 'runs:get', detailRequest(this.id)));
    this.detail = detail;
    this.status = detail.run.status;
    // The store is ahead of the last live step: step events were lost (a dropped or reopened event socket,
    // a busy server). The live step would hold the header back for good, so it goes, and the curve and
    // the mask strip are read again from the store, gap included.
    if (this.latest && detail.summary.stepsDone > this.latest.step + 1) {
      this.latest = null;
      this.lossFetch.request();
      void this.fetchMasks().catch(() => {});
    }
    // The backend is known once the trainer started; ask once why it is not a GPU.
    if (detail.run.backend && !this.hintAsked) void this.fetchGpuHint();
  }

  /** The eval and system series: their keys, then what the charts show. */
  async fetchKeyed(): Promise<void> {
    const keys = await call(request(this.api, 'metrics:keys', keysRequest(this.id)));
    this.evals.setKeys(keys);
    this.system.setKeys(keys);
    await Promise.all([this.evals.refresh(), this.system.refresh()]);
  }

  /** The loss curve's buckets follow the chart's pixel width; a resize re-buckets. */
  setLossBuckets(pixels: number): void {
    if (this.loss.setBuckets(pixels)) this.lossFetch.request();
  }

  setLossAxis(axis: LossSeries['axis']): void {
    if (axis === this.loss.axis) return;
    this.loss.setAxis(axis);
    this.lossFetch.request();
  }

  /** From the zoom handler: the visible range's buckets are fetched at once, or after the fetch in flight. */
  setLossRange(range: [number, number] | null): void {
    this.loss.range = range;
    this.lossFetch.request();
  }

  async fetchMasks(): Promise<void> {
    this.masks = await call(request(this.api, 'metrics:masks', masksRequest(this.id)));
  }

  /** The recorded log lines (the trainer's info and warnings, and errors); live ones append to them. */
  async fetchLogs(): Promise<void> {
    this.logsShown = true; // from now on kept fresh with the detail
    const seq = ++this.logSeq;
    const entries = await call(this.api.runs.logs({ id: this.id, limit: LOG_LINES }));
    if (seq !== this.logSeq) return;
    // A line that arrived live may not be recorded yet (rows are written in batches): it stays, after the
    // recorded ones, unless they already hold it.
    const recorded = entries.slice(-50).map((e) => `${e.level} ${e.message}`);
    const pending = this.logs.filter(
      (l) => l.key.startsWith('live') && !recorded.includes(`${l.level} ${l.message}`),
    );
    this.logs = [...entries.map((e) => ({ ...e, key: `db${e.id}` })), ...pending];
    this.logError = null;
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
        const wasActive = this.active;
        this.status = status;
        // Resumed (here or elsewhere): the replay rewrites the steps after the checkpoint; draw them anew.
        if (!wasActive && this.active) {
          this.latest = null;
          this.lossFetch.request();
        }
        this.refreshSoon(0);
      }),
      this.api.on('run:stage', ({ runId }) => mine(runId) && this.refreshSoon(300)),
      this.api.on('run:eval', ({ runId, step, results }) => {
        if (!mine(runId)) return;
        this.evals.addAtStep(step, results);
        void this.evals.refresh().catch(() => {});
        this.refreshSoon(500);
      }),
      this.api.on('run:log', ({ runId, level, message }) => {
        if (!mine(runId)) return;
        const line = {
          level,
          message,
          time: Date.now(),
          step: this.latest?.step ?? null,
          key: `live${this.liveLines++}`,
        };
        this.logs = [...this.logs.slice(-(LOG_LINES - 1)), line];
      }),
      // Device telemetry from this process's trainers; runs trained elsewhere are read by the poll below.
      this.api.on(
        'run:system',
        ({ runId, step, metrics }) => mine(runId) && this.system.addAtStep(step, metrics),
      ),
      this.api.on('run:updated', ({ runId }) => mine(runId) && this.refreshSoon(0)),
      this.api.on('run:deleted', ({ runId }) => mine(runId) && (this.deleted = true)),
    ];
    this.pollTimer = setInterval(() => {
      if (!this.active) return;
      this.refreshSoon(0);
      void this.system.refresh().catch(() => {});
    }, 5000);
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
    // Raw live points pile up past what the chart can show per pixel: re-bucket from the store.
    if (this.loss.append(steps)) this.lossFetch.request();
    this.masks = this.masks
      .concat(steps.map((s) => ({ step: s.step, stage: s.stage, mask: s.mask })))
      .slice(-MASK_STEPS);
    return true;
  }

  private refreshSoon(delayMs: number): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refreshDetail().catch((error) => (this.loadError = messageOf(error)));
      // The log tells the same milestones (stages, evals, checkpoints, the end) as they are recorded.
      if (this.logsShown) this.fetchLogs().catch((error: unknown) => (this.logError = messageOf(error)));
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

  /**
   * Continues the run from its latest checkpoint, or from the checkpoint at `fromStep` (a rewind), on
   * `backend` when given instead of the one the run asked for. Only what is given is sent.
   */
  async resume(options: { fromStep?: number; backend?: BackendRequest } = {}): Promise<void> {
    await this.act(async () => {
      const { fromStep, backend } = options;
      const request = {
        id: this.id,
        ...(fromStep === undefined ? {} : { fromStep }),
        ...(backend === undefined ? {} : { backend }),
      };
      this.status = (await call(this.api.runs.resume(request))).status;
      this.latest = null;
      this.lossFetch.request();
    });
  }

  async update(patch: { name?: string; notes?: string; tags?: string[] }): Promise<void> {
    await this.act(async () => void (await call(this.api.runs.update({ id: this.id, ...patch }))));
  }

  /** Deletes the run; one in training is stopped first. */
  async remove(): Promise<boolean> {
    let ok = false;
    await this.act(async () => {
      await call(this.api.runs.delete(this.active ? { id: this.id, stop: true } : { id: this.id }));
      ok = true;
    });
    return ok;
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
