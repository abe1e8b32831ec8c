// `raptr export --format csv | json`. CSV: --out FILE.csv writes the long CSV alone; any other --out is a
// folder with metrics.csv (long) and metrics-wide.csv (one row per step). JSON: one file, the metrics
// document (metrics-document.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mustGetRun, type Db } from '../../store/index.js';
import { writeLongCsv, writeWideCsv } from './metrics-csv.js';
import { metricsDocument } from './metrics-document.js';
import { StagedOutput, type OutputOptions } from './output-path.js';

export interface MetricsExportResult {
  path: string;
  files: string[];
  points: number;
}

export async function exportMetricsCsv(
  db: Db,
  runId: string,
  out: string,
  options: OutputOptions = {},
): Promise<MetricsExportResult> {
  const run = mustGetRun(db, runId); // an unknown id is refused before anything is created
  let points = 0;
  if (out.toLowerCase().endsWith('.csv')) {
    const path = await StagedOutput.write(out, options, 'file', async (temp) => {
      points = await writeLongCsv(db, run.id, temp);
    });
    return { path, files: [path], points };
  }
  const files = ['metrics.csv', 'metrics-wide.csv'];
  const path = await StagedOutput.write(out, options, 'folder', async (temp) => {
    points = await writeLongCsv(db, run.id, join(temp, files[0]!));
    await writeWideCsv(db, run.id, join(temp, files[1]!));
  });
  return { path, files, points };
}

export async function exportMetricsJson(
  db: Db,
  runId: string,
  out: string,
  options: OutputOptions = {},
): Promise<MetricsExportResult> {
  const document = metricsDocument(db, runId);
  const points = Object.values(document.series).reduce((sum, s) => sum + s.length, 0);
  const path = await StagedOutput.write(out, options, 'file', async (temp) => {
    await writeFile(temp, JSON.stringify(document));
  });
  return { path, files: [path], points };
}
