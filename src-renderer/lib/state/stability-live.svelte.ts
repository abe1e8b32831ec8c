// One run's drop losses for the stability heatmap: the stored stability/drop_block_{i} series, then each
// evaluation as it arrives. Separate from RunLive so the heatmap owns what it fetches.
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { blockOfDropKey } from '../../../shared/stability-keys.js';
import { dropColumns, withEvaluation, type DropColumn } from '../charts/drop-heatmap.js';
import { bandFromSeries } from '../charts/series-points.js';
import { call, messageOf } from './call.js';

export class StabilityLive {
  columns: DropColumn[] = $state.raw([]);
  error: string | null = $state(null);

  constructor(
    private readonly api: RaptrApi,
    readonly id: string,
  ) {}

  async load(): Promise<void> {
    try {
      const keys = (await call(this.api.metrics.keys({ runId: this.id }))).filter(
        (k) => blockOfDropKey(k) !== null,
      );
      if (keys.length === 0) return;
      const results = await call(
        this.api.metrics.series({ runId: this.id, keys, xAxis: 'step', buckets: 5000 }),
      );
      this.columns = dropColumns(Object.fromEntries(results.map((r) => [r.key, bandFromSeries(r).mean])));
      this.error = null;
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Subscribes to this run's evaluations; returns the cleanup. */
  listen(): () => void {
    return this.api.on('run:eval', ({ runId, step, results }) => {
      if (runId === this.id) this.columns = withEvaluation(this.columns, step, results);
    });
  }
}
