// Where an export may be written, decided in one place (requested path -> safe target, or a clear refusal):
// - Over the API (the app's window, `raptr serve`) an export goes only under `<data folder>/exports/`: a
//   page must not be able to write anywhere the server's user can. Relative paths are taken inside it;
//   absolute ones, `..`, a symbolic link leading out, and `~` are refused.
// - On the command line the user's shell decides where files go; `~` and `~/...` are expanded.
// - Either way an export never lands on the run database (or its -wal, -shm, -journal), on the runs
//   folder or inside it, or on a folder that holds any of them.
// What may be replaced with force (an earlier export only) is the output's own rule: see output-path.ts.
import { mkdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, parse, relative, resolve, sep } from 'node:path';
import { runsDirFor } from '../../paths.js';
import { ExportError } from './errors.js';

export type ExportOrigin = 'api' | 'cli';

export const EXPORTS_FOLDER = 'exports';

/** `<data folder>/exports`, where exports asked for over the API go. */
export function exportsDirFor(databasePath: string): string {
  return join(dirname(resolve(databasePath)), EXPORTS_FOLDER);
}

const refuse = (message: string) => new ExportError('bad-target', message);

/** The absolute path an export asked for as `requested` is written to, or an ExportError saying why not. */
export function exportTarget(requested: string, origin: ExportOrigin, databasePath: string): string {
  if (requested.includes('\0')) throw refuse('the output path contains a NUL character');
  const target = origin === 'api' ? insideExports(requested, databasePath) : resolve(expandHome(requested));
  refuseProtected(target, databasePath);
  return target;
}

/** Expands `~` and `~/...` as a shell would; `~user` is refused rather than guessed. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/') || path.startsWith(`~${sep}`)) return join(homedir(), path.slice(2));
  if (path.startsWith('~'))
    throw refuse(`${path}: "~user" paths are not expanded; give the full path to the folder`);
  return path;
}

function insideExports(requested: string, databasePath: string): string {
  const exportsDir = exportsDirFor(databasePath);
  const where = `exports over the API go under ${exportsDir}`;
  if (requested.startsWith('~'))
    throw refuse(`${requested}: ${where}; "~" is not expanded there. Give a name such as "run.csv"`);
  const target = resolve(exportsDir, requested);
  if (!isStrictlyInside(target, exportsDir))
    throw refuse(`${requested}: ${where}; give a name inside it such as "run.csv"`);
  // A symbolic link inside exports/ must not lead out of it.
  mkdirSync(exportsDir, { recursive: true });
  if (!isStrictlyInside(realPathOf(target), realpathSync(exportsDir)))
    throw refuse(`${requested}: ${where}; this path leads out of it through a symbolic link`);
  return target;
}

function refuseProtected(target: string, databasePath: string): void {
  const database = resolve(databasePath);
  const runsDir = runsDirFor(database);
  const protectedPaths = [database, ...['-wal', '-shm', '-journal'].map((s) => database + s), runsDir];
  const candidates = new Set([target, realPathOf(target)]);
  const real = protectedPaths.map(realPathOf);
  for (const path of candidates) {
    const hit = [...protectedPaths, ...real].some(
      (guarded) => path === guarded || isStrictlyInside(guarded, path),
    );
    if (hit || isStrictlyInside(path, runsDir) || isStrictlyInside(path, realPathOf(runsDir)))
      throw refuse(
        `${target}: an export never replaces or goes into the run database (${database}) or the run folders ` +
          `(${runsDir}); choose another output path`,
      );
  }
}

function isStrictlyInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The real path of `path`, resolving symbolic links in the part of it that exists. */
function realPathOf(path: string): string {
  const missing: string[] = [];
  let existing = path;
  for (;;) {
    try {
      return join(realpathSync(existing), ...missing.reverse());
    } catch {
      if (existing === parse(existing).root) return path;
      missing.push(basename(existing));
      existing = dirname(existing);
    }
  }
}
