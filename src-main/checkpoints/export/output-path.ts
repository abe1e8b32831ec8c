// Where an export lands. Everything is written to a hidden sibling first and renamed into place at the end,
// so a failed or interrupted export never leaves a half-written folder or file under the name asked for.
// An existing target is refused unless `force` is given, and force replaces an earlier export only: a
// folder holding the marker file every folder export carries, or a file in one of the export formats
// (known by its first bytes). Nothing else is ever replaced: not a folder of the user's, not the run
// database, not any file the app did not write. Which paths may be written at all: target-policy.ts.
import { lstatSync, readdirSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { APP_VERSION } from '../../version.js';
import { MANIFEST_FILE } from './bundle/manifest.js';
import { ExportError } from './errors.js';
import { LONG_HEADER } from './metrics-csv.js';
import { METRICS_FORMAT } from './metrics-document.js';

export interface OutputOptions {
  /** Replace an earlier export at the same path. */
  force?: boolean;
}

/** Written into every folder export: what lets force replace it later, and nothing else. */
export const EXPORT_MARKER = '.raptr-export';

const markerText = () =>
  `${JSON.stringify({ writtenBy: 'RaPTr Studio', appVersion: APP_VERSION, createdAt: new Date().toISOString() }, null, 2)}\n`;

type Existing = 'none' | 'earlier-export' | 'other';

/** What is at an output path: nothing (or an empty folder), an earlier export, or anything else. */
async function describeExisting(path: string): Promise<Existing> {
  let info;
  try {
    info = lstatSync(path);
  } catch {
    return 'none';
  }
  if (info.isSymbolicLink()) return 'other';
  if (info.isDirectory()) {
    const entries = readdirSync(path, { withFileTypes: true });
    if (entries.length === 0) return 'none';
    const marked = entries.some((e) => e.name === EXPORT_MARKER && e.isFile());
    return marked && !entries.some((e) => e.isDirectory()) ? 'earlier-export' : 'other';
  }
  return info.isFile() && (await isExportFile(path)) ? 'earlier-export' : 'other';
}

/** A long metrics CSV, a metrics JSON document or a run bundle, by the bytes each begins with. */
async function isExportFile(path: string): Promise<boolean> {
  const head = Buffer.alloc(512);
  const handle = await open(path, 'r');
  let length: number;
  try {
    length = (await handle.read(head, 0, head.length, 0)).bytesRead;
  } finally {
    await handle.close();
  }
  const text = head.subarray(0, length).toString('latin1');
  const tarEntry = text.startsWith(`${MANIFEST_FILE}\0`) && text.slice(257, 262) === 'ustar';
  return (
    text.startsWith(`${LONG_HEADER.join(',')}\n`) ||
    text.startsWith(`{"format":"${METRICS_FORMAT}"`) ||
    tarEntry
  );
}

async function refuseExisting(path: string, options: OutputOptions): Promise<void> {
  const existing = await describeExisting(path);
  if (existing === 'none') return;
  if (!options.force)
    throw new ExportError(
      'exists',
      `${path} already exists; choose another output path, or add --force (force) to replace an earlier export`,
    );
  if (existing === 'other')
    throw new ExportError(
      'exists',
      `${path} is not an export RaPTr Studio wrote (it has no ${EXPORT_MARKER} marker), so --force does not ` +
        'replace it; choose another output path',
    );
}

export class StagedOutput {
  readonly final: string;
  readonly temp: string;

  private constructor(
    final: string,
    private readonly options: OutputOptions,
    private readonly kind: 'folder' | 'file',
  ) {
    this.final = final;
    this.temp = join(dirname(final), `.${basename(final)}.partial-${process.pid}-${Date.now()}`);
  }

  /** Refuses an existing target that is not to be replaced, before any work is done. */
  static async begin(path: string, options: OutputOptions, kind: 'folder' | 'file'): Promise<StagedOutput> {
    const output = new StagedOutput(resolve(path), options, kind);
    await refuseExisting(output.final, options);
    await mkdir(dirname(output.final), { recursive: true });
    if (kind === 'folder') await mkdir(output.temp);
    return output;
  }

  /** Moves the finished output into place, replacing what was there (only an earlier export, with force). */
  async commit(): Promise<string> {
    if (this.kind === 'folder') await writeFile(join(this.temp, EXPORT_MARKER), markerText());
    await refuseExisting(this.final, this.options); // again: it may have appeared while the export ran
    if (lstatExists(this.final)) {
      // Rename the old one aside first: a failure between the two renames leaves the old output intact.
      const aside = `${this.temp}.old`;
      await rename(this.final, aside);
      await rename(this.temp, this.final);
      await rm(aside, { recursive: true, force: true });
    } else {
      await rename(this.temp, this.final);
    }
    return this.final;
  }

  async discard(): Promise<void> {
    await rm(this.temp, { recursive: true, force: true });
  }

  /** Runs `write` against the temp path, then commits; on any error the temp output is removed. */
  static async write(
    path: string,
    options: OutputOptions,
    kind: 'folder' | 'file',
    write: (temp: string) => Promise<void>,
  ): Promise<string> {
    const output = await StagedOutput.begin(path, options, kind);
    try {
      await write(output.temp);
      return await output.commit();
    } catch (error) {
      await output.discard();
      throw error;
    }
  }
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
