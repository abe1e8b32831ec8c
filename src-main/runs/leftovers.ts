// Files a write leaves behind when it is cut short: a checkpoint's staging folder (`.step-N.partial-PID`),
// final weights' temp file (`model.safetensors.tmp-PID`), an export's staging folder (`.NAME.partial-PID-T`).
// Each carries the id of the process that wrote it. They are removed when a trainer exits (its run's
// leftovers are garbage then) and at start-up (those of processes that are gone), so a full disk does not
// stay full of them.
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const LEFTOVER = /\.(?:partial|tmp)-(\d+)/;

/** True while a process with this id runs on this machine. */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function entries(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return []; // no such folder yet
  }
}

/** Removes the leftovers in `folder` whose writer `isGone`; returns their paths. */
function removeFrom(folder: string, isGone: (pid: number) => boolean): string[] {
  const removed: string[] = [];
  for (const name of entries(folder)) {
    const match = LEFTOVER.exec(name);
    if (!match || !isGone(Number(match[1]))) continue;
    const path = join(folder, name);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/** After a run's trainer exited: its partial checkpoints and temp files (nothing else writes there). */
export function removeRunPartials(runDir: string): string[] {
  return [...removeFrom(join(runDir, 'checkpoints'), () => true), ...removeFrom(runDir, () => true)];
}

/**
 * After a run's trainer exited: the checkpoint folders the database does not list. They were written but
 * their record was lost (a full disk): nothing resumes from them, and retention would never delete them.
 */
export function removeUnrecordedCheckpoints(runDir: string, recordedPaths: readonly string[]): string[] {
  const checkpointsDir = join(runDir, 'checkpoints');
  const recorded = new Set(
    recordedPaths.filter((path) => dirname(path) === checkpointsDir).map((path) => basename(path)),
  );
  const removed: string[] = [];
  for (const name of entries(checkpointsDir)) {
    if (!/^step-\d+$/.test(name) || recorded.has(name)) continue;
    const path = join(checkpointsDir, name);
    rmSync(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}

/** At start-up: the leftovers of processes that are gone, in every run folder and in `extraFolders`. */
export function removeStaleLeftovers(runsDir: string, extraFolders: readonly string[] = []): string[] {
  const gone = (pid: number) => pid !== process.pid && !processAlive(pid);
  const folders = entries(runsDir).flatMap((run) => [join(runsDir, run), join(runsDir, run, 'checkpoints')]);
  return [...folders, ...extraFolders].flatMap((folder) => removeFrom(folder, gone));
}
