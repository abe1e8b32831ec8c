// One entry point for every export format, as the CLI, the services and the app call it: validates the
// request (zod), decides where it may be written (target-policy.ts: under the data folder's exports/ when
// asked over the API, never over the run database or run folders), resolves the run and its checkpoint,
// and dispatches to the format's writer.
import { z } from 'zod';
import type { ExportResult } from '../../../shared/api-types.js';
import { mustGetRun, type Db } from '../../store/index.js';
import { exportBundle } from './bundle/bundle-export.js';
import { checkpointModel } from './checkpoint-model.js';
import { ExportError } from './errors.js';
import { exportHuggingFace } from './hf-export.js';
import { exportMetricsCsv, exportMetricsJson } from './metrics-export.js';
import { exportSafetensors } from './safetensors-export.js';
import { exportTarget } from './target-policy.js';
import { parseCheckpointSelector, readVerified, selectCheckpoint } from './source-checkpoint.js';

export const EXPORT_FORMATS = ['hf', 'safetensors', 'csv', 'json', 'bundle'] as const;

export const ExportRequestSchema = z.strictObject({
  runId: z.string().min(1),
  format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(', ')}` }),
  out: z.string().min(1, 'give an output path'),
  /** latest (default), best, or a step number; for hf and safetensors. */
  checkpoint: z.string().default('latest'),
  force: z.boolean().default(false),
  /** Who asks: over the API (the default, and the strict one) exports go under exports/ only. */
  origin: z.enum(['api', 'cli']).default('api'),
});
export type ExportRequest = z.input<typeof ExportRequestSchema>;

export type { ExportResult };

export async function exportRun(db: Db, request: ExportRequest): Promise<ExportResult> {
  const parsed = ExportRequestSchema.safeParse(request);
  if (!parsed.success)
    throw new ExportError(
      'bad-request',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
    );
  const { format, force } = parsed.data;
  const run = mustGetRun(db, parsed.data.runId);
  const out = exportTarget(parsed.data.out, parsed.data.origin, db.name);
  const base = { format, runId: run.id };
  switch (format) {
    case 'csv':
    case 'json': {
      const written = await (format === 'csv' ? exportMetricsCsv : exportMetricsJson)(db, run.id, out, {
        force,
      });
      return { ...base, path: written.path, files: written.files, checkpoints: [], points: written.points };
    }
    case 'bundle': {
      const written = await exportBundle(db, run.id, out, { force });
      return { ...base, path: written.path, files: [written.path], checkpoints: written.checkpoints };
    }
    case 'hf':
    case 'safetensors': {
      const selector = parseCheckpointSelector(parsed.data.checkpoint);
      const record = selectCheckpoint(db, run.id, selector);
      const loaded = await readVerified(record);
      const model = checkpointModel(loaded, record.path);
      const checkpoints = [{ step: record.step }];
      if (format === 'safetensors') {
        const written = await exportSafetensors(loaded, model, out, { force });
        return { ...base, path: written.path, files: written.files, checkpoints };
      }
      const written = await exportHuggingFace(model, out, { force });
      const architecture =
        written.architecture === 'bert' ? 'BertForMaskedLM' : 'RobertaPreLayerNormForMaskedLM';
      return { ...base, path: written.path, files: written.files, checkpoints, architecture };
    }
  }
}
