// Where an export lands. Everything is written to a hidden sibling first and renamed into place at the end,
// so a failed or interrupted export never leaves a half-written folder or file under the name asked for.
// An existing target is refused unless `force` is given; with force it is replaced only after the new
// output is complete.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ExportError } from './errors.js';

export interface OutputOptions {
  /** Replace an existing folder or file. */
  force?: boolean;
}

/**
 * What is at an output path: nothing (or an empty folder), something --force may replace, or a folder
 * with subfolders. Exports never contain folders, so a folder that does (a home or project folder given
 * by mistake) is never replaced, even with --force.
 */
function describeExisting(path: string): 'none' | 'non-empty' | 'has-folders' {
  if (!existsSync(path)) return 'none';
  if (!statSync(path).isDirectory()) return 'non-empty';
  const entries = readdirSync(path, { withFileTypes: true });
  if (entries.length === 0) return 'none';
  return entries.some((e) => e.isDirectory()) || path === homedir() ? 'has-folders' : 'non-empty';
}

export class StagedOutput {
  readonly final: string;
  readonly temp: string;

  private constructor(final: string) {
    this.final = final;
    this.temp = join(dirname(final), `.${basename(final)}.partial-${process.pid}-${Date.now()}`);
  }

  /** Refuses an existing target without force, before any work is done. */
  static async begin(path: string, options: OutputOptions, kind: 'folder' | 'file'): Promise<StagedOutput> {
    const output = new StagedOutput(resolve(path));
    const existing = describeExisting(output.final);
    if (existing === 'non-empty' && !options.force)
      throw new ExportError(
        'exists',
        `${output.final} already exists; choose another --out, or add --force to replace it`,
      );
    if (existing === 'has-folders')
      throw new ExportError(
        'exists',
        `${output.final} holds folders, so it is not an earlier export; --force only replaces exports. Choose another --out`,
      );
    await mkdir(dirname(output.final), { recursive: true });
    if (kind === 'folder') await mkdir(output.temp);
    return output;
  }

  /** Moves the finished output into place, replacing what was there (only reachable with force). */
  async commit(): Promise<string> {
    if (existsSync(this.final)) {
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
