// `raptr export --format bundle`: one .raptr-bundle file (a tar archive) holding manifest.json,
// metrics.json (the run row, config, every step row, metric point and event: metrics-document.ts) and the
// run's latest and best checkpoint folders. Checkpoints are verified before they are bundled, and the bytes
// copied into the archive are checked against the same sha256s, so a bundle never carries a damaged file.
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  bestCheckpoint,
  latestCheckpoint,
  mustGetRun,
  type Checkpoint,
  type Db,
} from '../../../store/index.js';
import { APP_VERSION } from '../../../version.js';
import { sha256, STATE_FILE } from '../../format.js';
import { ExportError } from '../errors.js';
import { metricsDocument } from '../metrics-document.js';
import { StagedOutput, type OutputOptions } from '../output-path.js';
import { readVerified } from '../source-checkpoint.js';
import {
  BUNDLE_FORMAT,
  MANIFEST_FILE,
  METRICS_FILE,
  type BundleCheckpoint,
  type BundleFile,
  type Manifest,
} from './manifest.js';
import { TarWriter } from './tar.js';

export const BUNDLE_EXTENSION = '.raptr-bundle';

export interface BundleExportResult {
  path: string;
  runId: string;
  checkpoints: Array<{ step: number; roles: string[] }>;
  bytes: number;
}

interface BundledCheckpoint {
  record: BundleCheckpoint;
  source: string;
  files: BundleFile[];
}

async function planCheckpoint(c: Checkpoint, roles: BundleCheckpoint['roles']): Promise<BundledCheckpoint> {
  const loaded = await readVerified(c);
  const folder = basename(c.path);
  const prefix = `checkpoints/${/^step-\d{8,}$/.test(folder) ? folder : `step-${String(c.step).padStart(8, '0')}`}`;
  const stateBytes = (await stat(join(c.path, STATE_FILE))).size;
  const files: BundleFile[] = [{ name: `${prefix}/${STATE_FILE}`, bytes: stateBytes, sha256: c.sha256 }];
  for (const [name, listed] of Object.entries(loaded.state.files))
    files.push({ name: `${prefix}/${name}`, bytes: listed.bytes, sha256: listed.sha256 });
  const record: BundleCheckpoint = {
    folder: prefix.slice('checkpoints/'.length),
    step: c.step,
    sha256: c.sha256,
    bytes: c.bytes,
    evalLoss: c.evalLoss,
    createdAt: c.createdAt,
    roles,
  };
  return { record, source: c.path, files };
}

export async function exportBundle(
  db: Db,
  runId: string,
  out: string,
  options: OutputOptions = {},
): Promise<BundleExportResult> {
  const run = mustGetRun(db, runId);
  const latest = latestCheckpoint(db, run.id);
  if (!latest)
    throw new ExportError(
      'no-checkpoint',
      `run ${run.id} ("${run.name}") has no checkpoint yet, and a bundle carries one; export its metrics with --format json`,
    );
  const best = bestCheckpoint(db, run.id);
  const chosen =
    best && best.step !== latest.step
      ? [await planCheckpoint(latest, ['latest']), await planCheckpoint(best, ['best'])]
      : [await planCheckpoint(latest, best ? ['latest', 'best'] : ['latest'])];
  const metrics = Buffer.from(JSON.stringify(metricsDocument(db, run.id)), 'utf8');
  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    version: 1,
    appVersion: APP_VERSION,
    createdAt: new Date().toISOString(),
    runId: run.id,
    runName: run.name,
    files: [
      { name: METRICS_FILE, bytes: metrics.byteLength, sha256: sha256(metrics) },
      ...chosen.flatMap((c) => c.files),
    ],
    checkpoints: chosen.map((c) => c.record),
  };
  const path = await StagedOutput.write(out, options, 'file', async (temp) => {
    const tar = await TarWriter.create(temp);
    try {
      await tar.addBuffer(MANIFEST_FILE, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
      await tar.addBuffer(METRICS_FILE, metrics);
      for (const c of chosen)
        for (const file of c.files) {
          const copied = await tar.addFile(file.name, join(c.source, basename(file.name)));
          if (copied.sha256 !== file.sha256 || copied.bytes !== file.bytes)
            throw new ExportError(
              'bad-checkpoint',
              `checkpoint ${c.source}: ${basename(file.name)} changed while being bundled`,
            );
        }
      await tar.close();
    } catch (error) {
      await tar.abort();
      throw error;
    }
  });
  return {
    path,
    runId: run.id,
    checkpoints: chosen.map((c) => ({ step: c.record.step, roles: c.record.roles })),
    bytes: (await stat(path)).size,
  };
}
