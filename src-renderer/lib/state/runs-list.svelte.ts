// The runs table's state: the filters, the sort, the extra columns and the grouping (all of them in the
// address), the rows, the selection, and the edits. Rows stay live from events: a status event patches the
// row and schedules a quiet reload (new numbers, new runs); step batches patch the progress and FLOPs
// columns in place, so the table never reloads per step. The last rows are kept across views, so going
// back to the table (or losing the server) shows them at once instead of an empty page.
import type { BulkOutcome, ColumnChoices, RunStatus, RunSummary } from '../../../shared/api-types.js';
import { RUN_STATUSES } from '../../../shared/api-types.js';
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import type { Params } from '../router/routes.js';
import { call, messageOf } from './call.js';
import {
  groupRuns,
  GROUPINGS,
  isSortKey,
  sortRuns,
  type GroupBy,
  type SortDir,
  type SortKey,
} from './runs-table.js';

export type ArchivedFilter = 'hide' | 'only' | 'all';
export type BulkAction = 'tag' | 'untag' | 'archive' | 'unarchive' | 'delete';

const ACTIVE: readonly RunStatus[] = ['queued', 'running', 'stopping'];

/** The last answer of runs:list, by request: what the table shows before (or without) a fresh one. */
let lastAnswer: { request: string; runs: RunSummary[] } | null = null;

export class RunsList {
  text = $state('');
  status: RunStatus | '' = $state('');
  tag = $state('');
  archived: ArchivedFilter = $state('hide');
  sortKey: SortKey = $state('created');
  sortDir: SortDir = $state('desc');
  /** Extra columns, in the order chosen. */
  columns: SortKey[] = $state([]);
  groupBy: GroupBy = $state('none');

  /**
   * Raw, replaced rather than mutated: a deep proxy over 200 summaries made every field read of every row
   * create a signal, which was most of the time it took to draw the table.
   */
  runs: RunSummary[] = $state.raw([]);
  loading = $state(true);
  error: string | null = $state(null);
  selected: string[] = $state([]);
  choices: ColumnChoices | null = $state.raw(null);
  /** What the last bulk action did, for the bar above the table. */
  bulkMessage: string | null = $state(null);

  /** Every tag on the listed runs, for the tag filter. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Set to dedupe, never stored
  tags = $derived([...new Set(this.runs.flatMap((r) => r.tags))].sort());
  hasFilters = $derived(
    this.text !== '' || this.status !== '' || this.tag !== '' || this.archived !== 'hide',
  );
  sorted = $derived(sortRuns(this.runs, this.sortKey, this.sortDir));
  groups = $derived(groupRuns(this.sorted, this.groupBy));
  selectedRuns = $derived(this.runs.filter((r) => this.selected.includes(r.id)));

  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private loadSeq = 0;

  constructor(
    private readonly api: RaptrApi,
    params: Params = {},
  ) {
    this.applyParams(params);
    const cached = lastAnswer?.request === this.requestKey() ? lastAnswer.runs : null;
    if (cached) {
      this.runs = cached;
      this.loading = false;
    }
  }

  /** The view state as address params; defaults are left out. */
  params(): Params {
    const params: Params = {};
    if (this.text) params.q = this.text;
    if (this.status) params.status = this.status;
    if (this.tag) params.tag = this.tag;
    if (this.archived !== 'hide') params.archived = this.archived;
    if (this.sortKey !== 'created' || this.sortDir !== 'desc')
      params.sort = `${this.sortKey}.${this.sortDir}`;
    if (this.columns.length > 0) params.cols = this.columns.join('~');
    if (this.groupBy !== 'none') params.group = this.groupBy;
    return params;
  }

  applyParams(params: Params): void {
    const filtersBefore = this.requestKey();
    this.text = params.q ?? '';
    this.status = (RUN_STATUSES as readonly string[]).includes(params.status ?? '')
      ? (params.status as RunStatus)
      : '';
    this.tag = params.tag ?? '';
    this.archived = params.archived === 'only' || params.archived === 'all' ? params.archived : 'hide';
    const [key = 'created', dir] = (params.sort ?? '').split(/\.(?=(?:asc|desc)$)/);
    this.sortKey = isSortKey(key) ? key : 'created';
    this.sortDir = dir === 'asc' ? 'asc' : 'desc';
    // A column named twice in the address is shown once (each column is a keyed header).
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a throwaway Set to dedupe, never stored
    this.columns = [...new Set((params.cols ?? '').split('~').filter(isSortKey))];
    this.groupBy = GROUPINGS.includes(params.group as GroupBy) ? (params.group as GroupBy) : 'none';
    if (this.requestKey() !== filtersBefore) this.reloadSoon(0);
  }

  private request() {
    return {
      text: this.text.trim() || undefined,
      status: this.status || undefined,
      tag: this.tag || undefined,
      archived: this.archived === 'hide' ? false : this.archived === 'only' ? true : null,
      columns: this.columns.filter((c) => c.includes(':')),
    };
  }

  private requestKey(): string {
    return JSON.stringify(this.request());
  }

  async load(): Promise<void> {
    const seq = ++this.loadSeq;
    const request = this.request();
    try {
      const runs = await call(this.api.runs.list(request));
      if (seq !== this.loadSeq) return; // a newer search answered first
      this.runs = runs;
      lastAnswer = { request: JSON.stringify(request), runs };
      this.selected = this.selected.filter((id) => runs.some((r) => r.id === id));
      this.error = null;
    } catch (error) {
      // The rows shown stay: a lost server is reported once, above them, not by emptying the table.
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

  /** Clicking a column header: that column, descending for numbers first... then the other way. */
  sortBy(key: SortKey): void {
    if (this.sortKey === key) this.sortDir = this.sortDir === 'asc' ? 'desc' : 'asc';
    else {
      this.sortKey = key;
      this.sortDir =
        key === 'name' || key === 'policy' || key === 'schedule' || key === 'tags' ? 'asc' : 'desc';
    }
  }

  async loadChoices(): Promise<void> {
    if (this.choices) return;
    try {
      this.choices = await call(this.api.runs.columns({}));
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  toggleColumn(column: SortKey): void {
    this.columns = this.columns.includes(column)
      ? this.columns.filter((c) => c !== column)
      : [...this.columns, column];
    if (this.sortKey === column && !this.columns.includes(column)) this.sortKey = 'created';
    this.reloadSoon(0);
  }

  /** Subscribes to live events; returns the unsubscribe. */
  listen(): () => void {
    const offs = [
      this.api.on('run:status', ({ runId, status }) => {
        this.patch(runId, () => ({ status }));
        this.reloadSoon(500);
      }),
      this.api.on('run:updated', () => this.reloadSoon(300)),
      this.api.on('run:deleted', ({ runId }) => {
        this.runs = this.runs.filter((r) => r.id !== runId);
        this.selected = this.selected.filter((s) => s !== runId);
      }),
      this.api.on('run:metrics', ({ runId, steps }) => {
        const last = steps[steps.length - 1];
        if (!last) return;
        this.patch(runId, (row) => ({
          stepsDone: last.step + 1,
          flops: last.cumFlops,
          fullFlops: last.cumFullFlops,
          flopsSaved: last.cumFullFlops > 0 ? 1 - last.cumFlops / last.cumFullFlops : 0,
          wallMs: last.wallMs,
          status: row.status === 'queued' ? 'running' : row.status,
        }));
      }),
    ];
    return () => {
      offs.forEach((off) => off());
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
    };
  }

  /** Replaces one row with the fields `change` gives (the rows are raw state: replaced, not mutated). */
  private patch(id: string, change: (row: RunSummary) => Partial<RunSummary>): void {
    const index = this.runs.findIndex((r) => r.id === id);
    if (index < 0) return;
    const next = [...this.runs];
    next[index] = { ...next[index]!, ...change(next[index]!) };
    this.runs = next;
  }

  toggle(id: string): void {
    this.selected = this.selected.includes(id)
      ? this.selected.filter((s) => s !== id)
      : [...this.selected, id];
  }

  /** Selects every listed run, or none when all are selected already. */
  toggleAll(): void {
    this.selected = this.selected.length === this.runs.length ? [] : this.runs.map((r) => r.id);
  }

  async update(id: string, patch: { name?: string; tags?: string[]; notes?: string; archived?: boolean }) {
    const summary = await call(this.api.runs.update({ id, ...patch }));
    const index = this.runs.findIndex((r) => r.id === id);
    const hidden =
      (this.archived === 'hide' && summary.archived) || (this.archived === 'only' && !summary.archived);
    if (index >= 0) {
      if (hidden) this.runs = this.runs.filter((r) => r.id !== id);
      else this.patch(id, (row) => ({ ...summary, columns: row.columns }));
    }
    return summary;
  }

  /** Deletes one run; a run in training is stopped first (wherever it trains). */
  async remove(id: string): Promise<void> {
    const active = ACTIVE.includes(this.runs.find((r) => r.id === id)?.status ?? 'completed');
    await call(this.api.runs.delete(active ? { id, stop: true } : { id }));
    this.runs = this.runs.filter((r) => r.id !== id);
    this.selected = this.selected.filter((s) => s !== id);
  }

  /** One action on the selected runs; says what happened, naming the runs it could not act on. */
  async bulk(action: BulkAction, tag?: string): Promise<BulkOutcome[]> {
    const ids = [...this.selected];
    const outcomes = await call(this.api.runs.bulk({ ids, action, ...(tag ? { tag } : {}) }));
    const failed = outcomes.filter((o) => !o.ok);
    const done = outcomes.length - failed.length;
    const verb = {
      tag: `tagged “${tag}”`,
      untag: `untagged “${tag}”`,
      archive: 'archived',
      unarchive: 'unarchived',
      delete: 'deleted',
    }[action];
    this.bulkMessage =
      `${done} run${done === 1 ? '' : 's'} ${verb}` +
      (failed.length > 0 ? `; not ${failed.map((f) => `${this.nameOf(f.id)} (${f.error})`).join(', ')}` : '');
    if (action === 'delete') this.selected = failed.map((f) => f.id);
    await this.load();
    return outcomes;
  }

  nameOf(id: string): string {
    return this.runs.find((r) => r.id === id)?.name ?? id;
  }

  async notesOf(id: string): Promise<string> {
    const detail = await call(this.api.runs.get({ id }));
    return detail.run.notes;
  }
}

/** Whether a run is queued or training: deleting it stops it first. */
export function isActive(run: Pick<RunSummary, 'status'>): boolean {
  return ACTIVE.includes(run.status);
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
