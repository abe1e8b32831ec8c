// The runs table's pure parts: which columns exist, how each sorts (missing values last whichever the
// direction), how runs group (by tag, policy or study), and how a column is labelled and shown.
import type { ColumnValue, RunStatus, RunSummary } from '../../../shared/api-types.js';
import { formatMetric } from '../../../shared/format.js';
import { metricLabel } from '../../../shared/metrics.js';

export const FIXED_COLUMNS = [
  'name',
  'status',
  'policy',
  'schedule',
  'steps',
  'best',
  'saved',
  'created',
  'tags',
] as const;
export type FixedColumn = (typeof FIXED_COLUMNS)[number];
/** A fixed column, or an extra one: "config:model.layers", "final:train/loss", "best:eval/mlm_acc". */
export type SortKey = FixedColumn | `${'config' | 'final' | 'best'}:${string}`;
export type SortDir = 'asc' | 'desc';
export type GroupBy = 'none' | 'tag' | 'policy' | 'study';
export const GROUPINGS: GroupBy[] = ['none', 'tag', 'policy', 'study'];

export const FIXED_LABELS: Record<FixedColumn, string> = {
  name: 'Name',
  status: 'Status',
  policy: 'Policy',
  schedule: 'Schedule',
  steps: 'Steps',
  best: 'Best eval loss',
  saved: 'FLOPs saved',
  created: 'Created',
  tags: 'Tags',
};

const STATUS_ORDER: RunStatus[] = [
  'running',
  'stopping',
  'queued',
  'failed',
  'interrupted',
  'stopped',
  'completed',
];

export function isSortKey(value: string): value is SortKey {
  return (FIXED_COLUMNS as readonly string[]).includes(value) || /^(config|final|best):.+/.test(value);
}

/** "config:model.layers" -> "model.layers"; "best:eval/mlm_loss" -> "best MLM loss". */
export function columnLabel(key: SortKey): string {
  if ((FIXED_COLUMNS as readonly string[]).includes(key)) return FIXED_LABELS[key as FixedColumn];
  const [kind, name] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
  if (kind === 'config') return name;
  const group = name.split('/')[0];
  return `${kind} ${group === 'eval' || group === 'train' ? `${group} ` : ''}${metricLabel(name)}`;
}

export function formatColumn(value: ColumnValue | undefined): string {
  if (value === null || value === undefined) return '–';
  if (typeof value === 'number') return formatMetric(value);
  return String(value);
}

function sortValue(run: RunSummary, key: SortKey): number | string | null {
  switch (key) {
    case 'name':
      return run.name.toLowerCase();
    case 'status':
      return STATUS_ORDER.indexOf(run.status);
    case 'policy':
      return run.policy;
    case 'schedule':
      return run.schedule;
    case 'steps':
      return run.stepsDone;
    case 'best':
      return run.bestEvalLoss;
    case 'saved':
      return run.fullFlops > 0 ? run.flopsSaved : null;
    case 'created':
      return run.createdAt;
    case 'tags':
      return run.tags.length > 0 ? run.tags.join(',') : null;
    default: {
      const value = run.columns?.[key];
      return value === undefined || value === null
        ? null
        : typeof value === 'boolean'
          ? Number(value)
          : value;
    }
  }
}

/** Sorted by one column; runs without a value go last in either direction, then newest first. */
export function sortRuns(runs: readonly RunSummary[], key: SortKey, dir: SortDir): RunSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const va = sortValue(a, key);
    const vb = sortValue(b, key);
    if (va === null || vb === null) return va === vb ? b.createdAt - a.createdAt : va === null ? 1 : -1;
    const order =
      typeof va === 'number' && typeof vb === 'number'
        ? va - vb
        : String(va).localeCompare(String(vb), undefined, { numeric: true });
    return order !== 0 ? sign * order : b.createdAt - a.createdAt;
  });
}

export interface RunGroup {
  /** Empty for the single group of an ungrouped table. */
  name: string;
  runs: RunSummary[];
}

/**
 * Groups in the table's order (the order of their first run). A run carrying several tags appears under
 * each; "study:NAME" tags (raptr repro) name the study groups. Runs without one go last.
 */
export function groupRuns(runs: readonly RunSummary[], by: GroupBy): RunGroup[] {
  if (by === 'none') return [{ name: '', runs: [...runs] }];
  const keysOf = (run: RunSummary): string[] => {
    if (by === 'policy') return [run.policy];
    if (by === 'tag') return run.tags.filter((t) => !t.startsWith('study:'));
    return run.tags.filter((t) => t.startsWith('study:')).map((t) => t.slice('study:'.length));
  };
  const none = by === 'tag' ? 'no tag' : 'no study';
  const groups = new Map<string, RunSummary[]>();
  for (const run of runs) {
    const keys = keysOf(run);
    for (const key of keys.length > 0 ? keys : [none]) {
      const list = groups.get(key) ?? [];
      list.push(run);
      groups.set(key, list);
    }
  }
  const named = [...groups].filter(([name]) => name !== none);
  const rest = groups.get(none);
  return [...named, ...(rest ? [[none, rest] as const] : [])].map(([name, list]) => ({ name, runs: list }));
}

/** The groups cut to their first `limit` rows in all (a table drawn in two passes shows the top first). */
export function firstRows(groups: readonly RunGroup[], limit: number): RunGroup[] {
  const cut: RunGroup[] = [];
  let left = limit;
  for (const group of groups) {
    if (left <= 0) break;
    cut.push(group.runs.length <= left ? group : { name: group.name, runs: group.runs.slice(0, left) });
    left -= group.runs.length;
  }
  return cut;
}
