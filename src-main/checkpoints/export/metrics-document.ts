// One run, everything it recorded, as one JSON document: the runs row (config included), every per-step row,
// every metric series point by point (exact, not bucketed), every event and the checkpoint records. It is
// the `--format json` export and the data file inside a run bundle; the schema below reads it back.
// JSON has no NaN or infinities: a value the trainer reported as NaN is null, +-Infinity are the strings
// "Infinity" and "-Infinity".
import { z } from 'zod';
import {
  allEvents,
  allSeries,
  allSteps,
  listCheckpoints,
  mustGetRun,
  type Db,
  type Run,
} from '../../store/index.js';
import { APP_VERSION } from '../../version.js';

export const METRICS_FORMAT = 'raptr-metrics';

const JsonValueSchema = z.union([z.number(), z.null(), z.literal('Infinity'), z.literal('-Infinity')]);
const finite = z.number().refine(Number.isFinite, 'must be finite');

export const PointSchema = z.strictObject({
  step: z.number().int().nonnegative(),
  value: JsonValueSchema,
  wallMs: finite,
  flops: finite,
  tokens: finite,
});

const RunSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  status: z.string(),
  config: z.record(z.string(), z.unknown()),
  preset: z.string().nullable(),
  policy: z.string(),
  createdAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  finishedAt: z.number().int().nullable(),
  backend: z.string().nullable(),
  device: z.string().nullable(),
  seed: z.number().int().nullable(),
  appVersion: z.string(),
  corpusFingerprint: z.string().nullable(),
  tags: z.array(z.string()),
  notes: z.string(),
  parentRunId: z.string().nullable(),
  archived: z.boolean(),
  errorTail: z.string().nullable(),
});

export const MetricsDocumentSchema = z.strictObject({
  format: z.literal(METRICS_FORMAT),
  version: z.literal(1),
  appVersion: z.string(),
  exportedAt: z.string(),
  run: RunSchema,
  steps: z.array(
    z.strictObject({
      step: z.number().int().nonnegative(),
      stage: z.number().int().nonnegative(),
      active: z.number().int().nonnegative(),
      mask: z.string(),
      wallMs: finite,
      flops: finite,
      fullFlops: finite,
      tokens: finite,
    }),
  ),
  series: z.record(z.string(), z.array(PointSchema)),
  events: z.array(
    z.strictObject({
      step: z.number().int().nullable(),
      kind: z.string(),
      payload: z.unknown(),
      time: z.number().int().nonnegative(),
    }),
  ),
  checkpoints: z.array(
    z.strictObject({
      step: z.number().int().nonnegative(),
      path: z.string(),
      bytes: z.number().int().nonnegative(),
      sha256: z.string(),
      evalLoss: z.number().nullable(),
      createdAt: z.number().int(),
    }),
  ),
});
export type MetricsDocument = z.output<typeof MetricsDocumentSchema>;

export function toJsonValue(value: number | null): z.output<typeof JsonValueSchema> {
  if (value === null || Number.isNaN(value)) return null;
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

export function fromJsonValue(value: z.output<typeof JsonValueSchema>): number | null {
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  return value;
}

export function metricsDocument(db: Db, runId: string): MetricsDocument {
  const run: Run = mustGetRun(db, runId);
  const series: MetricsDocument['series'] = {};
  for (const [key, points] of Object.entries(allSeries(db, run.id)))
    series[key] = points.map((p) => ({ ...p, value: toJsonValue(p.value) }));
  return {
    format: METRICS_FORMAT,
    version: 1,
    appVersion: APP_VERSION,
    exportedAt: new Date().toISOString(),
    run,
    steps: allSteps(db, run.id),
    series,
    events: allEvents(db, run.id).map(({ step, kind, payload, time }) => ({ step, kind, payload, time })),
    checkpoints: listCheckpoints(db, run.id).map(({ step, path, bytes, sha256, evalLoss, createdAt }) => ({
      step,
      path,
      bytes,
      sha256,
      evalLoss,
      createdAt,
    })),
  };
}
