// The runs table's extra columns: any config field, and any metric's final or best value. The chooser is
// offered every field and key some run has; values are read per run in a few index reads (series-summary).
import { higherIsBetter } from '../../shared/metrics.js';
import type { ColumnChoices, ColumnValue, RunSummary } from '../../shared/api-types.js';
import { allSeriesKeys, finalValue, listRuns, valueRange, type Db, type Run } from '../store/index.js';

/** "model.layers" -> 12 in { model: { layers: 12 } }; lists are leaves (shown as JSON). */
export function configValue(config: unknown, path: string): ColumnValue {
  let value: unknown = config;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** Every leaf path of a config: "model.layers", "policy.schedule.label", ... */
export function configPaths(config: unknown, prefix = ''): string[] {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return prefix ? [prefix] : [];
  return Object.entries(config as Record<string, unknown>).flatMap(([key, value]) =>
    configPaths(value, prefix ? `${prefix}.${key}` : key),
  );
}

export function columnChoices(db: Db): ColumnChoices {
  const paths = new Set<string>();
  for (const run of listRuns(db, { archived: null, limit: 100_000 }))
    for (const path of configPaths(run.config)) paths.add(path);
  return { config: [...paths].sort(), metrics: allSeriesKeys(db) };
}

function columnValue(db: Db, run: Run, column: string): ColumnValue {
  const colon = column.indexOf(':');
  const kind = column.slice(0, colon);
  const name = column.slice(colon + 1);
  if (kind === 'config') return configValue(run.config, name);
  if (kind === 'final') return finalValue(db, run.id, name);
  const range = valueRange(db, run.id, name);
  return range === null ? null : higherIsBetter(name) ? range.max : range.min;
}

export function withColumns(
  db: Db,
  runs: readonly Run[],
  summaries: RunSummary[],
  columns: readonly string[],
) {
  if (columns.length === 0) return summaries;
  return summaries.map((summary, i) => ({
    ...summary,
    columns: Object.fromEntries(columns.map((c) => [c, columnValue(db, runs[i]!, c)])),
  }));
}
