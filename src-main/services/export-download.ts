// Exports a browser downloads (`raptr serve`): written by the ordinary export service into a folder of the
// data folder, <data folder>/exports/downloads/, then handed out once through GET /api/downloads/<file>.
// Folder formats (Hugging Face, safetensors, CSV, JSON) become one .zip; a bundle is one file already. Files
// there are the server's to manage: older than a day, they are removed when the next download is made.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import type { ExportDownload } from '../../shared/api-types.js';
import type { ParsedRequest } from '../../shared/ipc-contract.js';
import { ExportError } from '../checkpoints/export/errors.js';
import { exportRun } from '../checkpoints/export/export-run.js';
import { EXPORT_MARKER } from '../checkpoints/export/output-path.js';
import { exportsDirFor } from '../checkpoints/export/target-policy.js';
import { mustGetRun, type Db } from '../store/index.js';

const KEEP_MS = 24 * 60 * 60 * 1000;
/** Formats written as one file get its extension; the others are folders, zipped. */
const FILE_EXTENSIONS: Partial<Record<string, string>> = { bundle: '.raptr-bundle', json: '.json' };
/** Names the download route serves: what downloadName() makes, nothing with a path in it. */
export const DOWNLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;

export function downloadsDir(databasePath: string): string {
  return join(exportsDirFor(databasePath), 'downloads');
}

/**
 * An export kept on the server (export:run) may go anywhere the target policy allows except the
 * downloads folder, whose files the server deletes after a day.
 */
export function serverSideExportPath(databasePath: string, requested: string): string {
  const target = resolve(exportsDirFor(databasePath), requested);
  const rel = relative(downloadsDir(databasePath), target);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    throw new ExportError(
      'bad-target',
      `${requested}: exports/downloads/ holds browser downloads for a day only; choose another name`,
    );
  return requested;
}

function downloadName(runName: string, runId: string, format: string): string {
  const slug =
    runName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || runId;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${slug}-${format}-${stamp}`;
}

/** Every file under `folder`, by its path inside it (forward slashes, as zip wants). */
function filesUnder(folder: string, into: Zippable = {}, root = folder): Zippable {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) filesUnder(path, into, root);
    else if (entry.name === EXPORT_MARKER)
      continue; // the server's own bookkeeping, not the user's
    else into[relative(root, path).split('\\').join('/')] = readFileSync(path);
  }
  return into;
}

async function removeOld(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const now = Date.now();
  for (const name of readdirSync(dir))
    if (now - statSync(join(dir, name)).mtimeMs > KEEP_MS)
      await rm(join(dir, name), { recursive: true, force: true });
}

export async function exportForDownload(
  db: Db,
  databasePath: string,
  request: ParsedRequest<'export:download'>,
): Promise<ExportDownload> {
  const run = mustGetRun(db, request.id);
  const dir = downloadsDir(databasePath);
  await mkdir(dir, { recursive: true });
  await removeOld(dir);
  const name = downloadName(run.name, run.id, request.format);
  const out = join(dir, `${name}${FILE_EXTENSIONS[request.format] ?? ''}`);
  const result = await exportRun(db, {
    runId: run.id,
    format: request.format,
    out,
    checkpoint: request.checkpoint === undefined ? 'latest' : String(request.checkpoint),
  });
  // One file already (a bundle, the metrics as JSON): served as it is.
  if (statSync(out).isFile()) return { file: basename(out), bytes: statSync(out).size, result };
  // Stored, not deflated: weights do not compress, and the archive is made while the user waits.
  const zip = zipSync({ [name]: filesUnder(out) }, { level: 0 });
  const file = `${name}.zip`;
  writeFileSync(join(dir, file), zip);
  await rm(out, { recursive: true, force: true });
  return { file, bytes: zip.byteLength, result };
}
