// The last write of a run: its final status, its error tail, and that no process owns it any more. On a
// full disk the database may refuse even that; the status is then kept here and written again on every
// poll until the database takes it, and the reason stays at hand for the caller waiting on the run
// (`raptr train` exits 1 with it either way).
import { errorMessage } from '../../shared/error-text.js';
import { setOwner, setRunStatus, StoreError, type Db, type StatusChange } from '../store/index.js';
import type { DiskReserve } from './disk-reserve.js';
import { isDiskFull } from './failure.js';

export class FinalStatuses {
  private readonly unsaved = new Map<string, StatusChange>();
  private readonly failures = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly reserve: DiskReserve,
  ) {}

  /** Records the end of a run now if the database takes it, else keeps it for retry(). */
  record(runId: string, change: StatusChange): void {
    if (change.status === 'failed' && change.errorTail) this.failures.set(runId, change.errorTail);
    this.unsaved.set(runId, { ...change, at: change.at ?? Date.now() });
    this.save(runId, true);
  }

  /** Writes the statuses the database refused before; quiet, for it runs on a timer. */
  retry(): void {
    for (const runId of [...this.unsaved.keys()]) this.save(runId, false);
  }

  /** Why the run failed in this process, or null. */
  failureReason(runId: string): string | null {
    return this.failures.get(runId) ?? null;
  }

  /** The run starts again: what it ended with before no longer counts. */
  forget(runId: string): void {
    this.failures.delete(runId);
    this.unsaved.delete(runId);
  }

  private save(runId: string, report: boolean): void {
    const change = this.unsaved.get(runId);
    if (!change) return;
    try {
      this.write(runId, change);
    } catch (error) {
      // A full disk: the reserve beside the database holds the room this write needs.
      if (!(isDiskFull(error) && this.reserve.release() && this.tryWrite(runId, change)) && report)
        console.error(`RaPTr Studio: could not record the end of run ${runId} yet: ${errorMessage(error)}`);
    }
  }

  private tryWrite(runId: string, change: StatusChange): boolean {
    try {
      this.write(runId, change);
      return true;
    } catch {
      return false;
    }
  }

  private write(runId: string, change: StatusChange): void {
    try {
      this.db.transaction(() => {
        setOwner(this.db, runId, null);
        setRunStatus(this.db, runId, change);
      })();
    } catch (error) {
      // A run deleted meanwhile has nothing left to record.
      if (!(error instanceof StoreError && error.code === 'unknown-run')) throw error;
    }
    this.unsaved.delete(runId);
  }
}
