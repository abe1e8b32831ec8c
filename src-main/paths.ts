// Where RaPTr Studio keeps its files when the user does not say otherwise. These are the same folders
// Electron's app.getPath('userData') uses, so the CLI, `raptr serve` and the desktop app share one database.
import { homedir, platform } from 'node:os';
import { dirname, join } from 'node:path';

export const APP_FOLDER = 'RaPTr Studio';

/** The OS user-data folder: ~/.config/RaPTr Studio, ~/Library/Application Support/RaPTr Studio, %APPDATA%\RaPTr Studio. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RAPTR_HOME) return env.RAPTR_HOME; // empty counts as unset, as for the others
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_FOLDER);
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER);
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_FOLDER);
  }
}

/** The run database: RAPTR_DB when set, else raptr.db in the user-data folder. */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.RAPTR_DB || join(userDataDir(env), 'raptr.db');
}

/** Re-creatable files (trained tokenizers, tokenized corpora), keyed by fingerprint. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.RAPTR_CACHE || join(userDataDir(env), 'cache');
}

/** Each run's folder (checkpoints, final weights) lives in `runs/` beside the database that records it. */
export function runsDirFor(databasePath: string): string {
  return join(dirname(databasePath), 'runs');
}

export function runsDir(env: NodeJS.ProcessEnv = process.env): string {
  return runsDirFor(defaultDatabasePath(env));
}
