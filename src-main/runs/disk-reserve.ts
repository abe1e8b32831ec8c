// A small file of spare space beside the database (an "emergency ballast", as CockroachDB calls it). When
// the disk fills, SQLite cannot append even the few pages that record a run's end, and the run would stay
// "running" with nothing saying why. Deleting this file frees exactly that room: the run's final status
// and reason are written, and the reserve is written again the next time a run starts with space to spare.
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const RESERVE_FILE = '.raptr-disk-reserve';
const RESERVE_BYTES = 256 * 1024;

export class DiskReserve {
  private constructor(private readonly path: string | null) {}

  /** The reserve beside a database file; none for an in-memory database. */
  static beside(databasePath: string): DiskReserve {
    const onDisk = databasePath !== '' && databasePath !== ':memory:';
    return new DiskReserve(onDisk ? join(dirname(databasePath), RESERVE_FILE) : null);
  }

  /** Writes the reserve when it is missing; quietly does nothing when there is no room for it. */
  ensure(): void {
    if (this.path === null) return;
    try {
      if (existsSync(this.path) && statSync(this.path).size === RESERVE_BYTES) return;
      writeFileSync(this.path, Buffer.alloc(RESERVE_BYTES));
    } catch {
      rmSync(this.path, { force: true }); // a reserve cut short reserves nothing
    }
  }

  /** Frees the reserved space; true when there was a reserve to free. */
  release(): boolean {
    if (this.path === null || !existsSync(this.path)) return false;
    rmSync(this.path, { force: true });
    return true;
  }
}
