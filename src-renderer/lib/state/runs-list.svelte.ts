// The runs table's state: the filters, the rows, the selection, and the edits. Rows stay live from events:
// a status event patches the row and schedules a quiet reload (new numbers, new runs); step batches patch
// the progress and FLOPs columns in place, so the table never reloads per step.
import type { RunStatus, RunSummary } from '../../../shared/api-types.js';
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { call, messageOf } from './call.js';

export type ArchivedFilter = 'hide' | 'only' | 'all';

export class RunsList {
  text = $state('');
  status: RunStatus | '' = $state('');
  tag = $state('');
  archived: ArchivedFilter = $state('hide');

  runs: RunSummary[] = $state([]);
  loading = $state(true);
  error: string | null = $state(null);
  selected: string[] = $state([]);

  /** Every tag on the listed runs, for the tag filter. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Set to dedupe, never stored
  tags = $derived([...new Set(this.runs.flatMap((r) => r.tags))].sort());
  hasFilters = $derived(
    this.text !== '' || this.status !== '' || this.tag !== '' || this.archived !== 'hide',
  );

  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private loadSeq = 0;

  constructor(private readonly api: RaptrApi) {}

  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    try {
      const runs = await call(
        this.api.runs.list({
          text: this.text.trim() || undefined,
          status: this.status || undefined,
          tag: this.tag || undefined,
          archived: this.archived === 'hide' ? false : this.archived === 'only' ? true : null,
        }),
      );
      if (seq !== this.loadSeq) return; // a newer search answered first
      this.runs = runs;
      this.selected = this.selected.filter((id) => runs.some((r) => r.id === id));
      this.error = null;
    } catch (error) {
      if (seq === this.loadSeq) this.error = messageOf(error);
    } finally {
      if (seq === this.loadSeq) this.loading = false;
    }
  }

  /** Coalesces bursts (typing, many status events) into one request. */
  reloadSoon(delayMs = 200): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.load();
    }, delayMs);
  }

  /** Subscribes to live events; returns the unsubscribe. */
  listen(): () => void {
    const offStatus = this.api.on('run:status', ({ runId, status }) => {
      const row = this.runs.find((r) => r.id === runId);
      if (row) row.status = status;
      this.reloadSoon(500);
    });
    const offMetrics = this.api.on('run:metrics', ({ runId, steps }) => {
      const row = this.runs.find((r) => r.id === runId);
      const last = steps[steps.length - 1];
      if (!row || !last) return;
      row.stepsDone = last.step + 1;
      row.flops = last.cumFlops;
      row.fullFlops = last.cumFullFlops;
      row.flopsSaved = last.cumFullFlops > 0 ? 1 - last.cumFlops / last.cumFullFlops : 0;
      row.wallMs = last.wallMs;
      if (row.status === 'queued') row.status = 'running';
    });
    return () => {
      offStatus();
      offMetrics();
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
    };
  }

  toggle(id: string): void {
    this.selected = this.selected.includes(id)
      ? this.selected.filter((s) => s !== id)
      : [...this.selected, id];
  }

  async update(id: string, patch: { name?: string; tags?: string[]; notes?: string; archived?: boolean }) {
    const summary = await call(this.api.runs.update({ id, ...patch }));
    const index = this.runs.findIndex((r) => r.id === id);
    const hidden =
      (this.archived === 'hide' && summary.archived) || (this.archived === 'only' && !summary.archived);
    if (index >= 0) {
      if (hidden) this.runs.splice(index, 1);
      else this.runs[index] = summary;
    }
    return summary;
  }

  async remove(id: string): Promise<void> {
    await call(this.api.runs.delete({ id }));
    this.runs = this.runs.filter((r) => r.id !== id);
    this.selected = this.selected.filter((s) => s !== id);
  }

  async notesOf(id: string): Promise<string> {
    const detail = await call(this.api.runs.get({ id }));
    return detail.run.notes;
  }
}

/** "a, b ,, c" -> ["a", "b", "c"], without duplicates. */
export function parseTags(text: string): string[] {
  return [
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a plain function, not reactive state
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}
