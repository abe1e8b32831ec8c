// `raptr import FILE`: a run bundle loaded into this database under the bundle's run id when it is free
// (else a new one), its checkpoints copied to runsDir/<id>/checkpoints and recorded. All or nothing: the
// bundle is verified in full before the database is touched, every row goes in one transaction, and the
// checkpoint folder is moved into place as the transaction's last act, so a refused or failed import leaves
// neither rows nor files behind.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { withRecordedFields } from '../../../../shared/config/recorded.js';
import {
  addEvent,
  appendSeriesPoints,
  createRun,
  getRun,
  insertSteps,
  newRunId,
  recordCheckpoint,
  restoreRunFields,
  StoreError,
  type Db,
  type EventKind,
  type NewEvent,
  type RunStatus,
} from '../../../store/index.js';
import { ExportError } from '../errors.js';
import { fromJsonValue, type MetricsDocument } from '../metrics-document.js';
import { readBundle } from './bundle-read.js';
import type { Manifest } from './manifest.js';

export interface ImportResult {
  runId: string;
  name: string;
  /** False when the bundle's run id was taken here and the run got a new one. */
  keptId: boolean;
  points: number;
  events: number;
  checkpoints: number[];
  path: string;
}

/** Nothing runs an imported run: one caught mid-flight arrives interrupted, resumable from its checkpoint. */
function importedStatus(status: string): RunStatus {
  const finished: RunStatus[] = ['stopped', 'completed', 'failed', 'interrupted'];
  return (finished as string[]).includes(status) ? (status as RunStatus) : 'interrupted';
}

function freeRunId(db: Db, wanted: string, runsDir: string): string {
  const free = (id: string) => getRun(db, id) === undefined && !existsSync(join(runsDir, id));
  if (/^[0-9A-Za-z_-]{1,64}$/.test(wanted) && free(wanted)) return wanted;
  for (;;) {
    const id = newRunId();
    if (free(id)) return id;
  }
}

export async function importBundle(db: Db, file: string, runsDir: string): Promise<ImportResult> {
  const root = resolve(runsDir);
  mkdirSync(root, { recursive: true });
  const staging = join(root, `.import-${process.pid}-${Date.now()}`);
  try {
    const { manifest, metrics } = await readBundle(resolve(file), staging);
    return writeRun(db, manifest, metrics, root, staging, file);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

function writeRun(
  db: Db,
  manifest: Manifest,
  doc: MetricsDocument,
  root: string,
  staging: string,
  file: string,
): ImportResult {
  const runId = freeRunId(db, doc.run.id, root);
  const runFolder = join(root, runId);
  const checkpointsDir = join(runFolder, 'checkpoints');
  let moved = false;
  try {
    const result = db
      .transaction((): ImportResult => {
        const r = doc.run;
        const parent = r.parentRunId !== null && getRun(db, r.parentRunId) ? r.parentRunId : null;
        createRun(db, {
          id: runId,
          name: r.name,
          // A bundle from an earlier version says less than a config does today: say what the run did.
          config: withRecordedFields(r.config, r.startedAt !== null) as Record<string, unknown>,
          policy: r.policy,
          preset: r.preset,
          status: importedStatus(r.status),
          createdAt: r.createdAt,
          backend: r.backend,
          device: r.device,
          seed: r.seed,
          appVersion: r.appVersion,
          corpusFingerprint: r.corpusFingerprint,
          tags: r.tags,
          notes: r.notes,
          parentRunId: parent,
        });
        restoreRunFields(db, runId, {
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
          archived: r.archived,
          errorTail: r.errorTail,
        });
        insertSteps(db, runId, doc.steps);
        let points = 0;
        for (const [key, series] of Object.entries(doc.series))
          points += appendSeriesPoints(db, {
            runId,
            key,
            points: series.map((p) => ({ ...p, value: fromJsonValue(p.value) })),
          });
        for (const e of doc.events)
          addEvent(db, {
            runId,
            step: e.step,
            kind: e.kind as EventKind,
            payload: e.payload as NewEvent['payload'],
            time: e.time,
          });
        for (const c of manifest.checkpoints)
          recordCheckpoint(db, {
            runId,
            step: c.step,
            path: join(checkpointsDir, c.folder),
            bytes: c.bytes,
            sha256: c.sha256,
            evalLoss: c.evalLoss,
            createdAt: c.createdAt,
          });
        // Last: the files. A failure here rolls the rows back; nothing else can fail after it but COMMIT.
        mkdirSync(runFolder, { recursive: true });
        if (manifest.checkpoints.length > 0) renameSync(join(staging, 'checkpoints'), checkpointsDir);
        moved = true;
        return {
          runId,
          name: r.name,
          keptId: runId === r.id,
          points,
          events: doc.events.length,
          checkpoints: manifest.checkpoints.map((c) => c.step),
          path: runFolder,
        };
      })
      .immediate();
    return result;
  } catch (error) {
    if (moved || existsSync(runFolder)) rmSync(runFolder, { recursive: true, force: true });
    if (error instanceof StoreError && error.code === 'invalid-input')
      throw new ExportError('bad-bundle', `${file}: ${error.message}; nothing was imported`, {
        cause: error,
      });
    throw error;
  }
}
