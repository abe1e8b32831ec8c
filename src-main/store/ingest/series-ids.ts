// Series ids by (run, key), created on first use. Ids created inside a transaction that then rolls back must
// not stay cached, so new ids are held apart until the caller commits.
import { cached, type Db } from '../sqlite.js';

export class SeriesIds {
  private readonly committed = new Map<string, number>();
  private readonly tentative = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** Looks the id up or creates the series row; call inside the writing transaction. */
  resolve(runId: string, key: string): number {
    const cacheKey = `${runId}\0${key}`;
    const known = this.committed.get(cacheKey) ?? this.tentative.get(cacheKey);
    if (known !== undefined) return known;
    const id = cached<[string, string], number>(
      this.db,
      `INSERT INTO series (run_id, key) VALUES (?, ?)
       ON CONFLICT (run_id, key) DO UPDATE SET key = excluded.key RETURNING id`,
    )
      .pluck()
      .get(runId, key)!;
    this.tentative.set(cacheKey, id);
    return id;
  }

  /** Without creating: the id of an existing series. */
  find(runId: string, key: string): number | undefined {
    return (
      this.committed.get(`${runId}\0${key}`) ??
      cached<[string, string], number>(this.db, 'SELECT id FROM series WHERE run_id = ? AND key = ?')
        .pluck()
        .get(runId, key)
    );
  }

  commit(): void {
    for (const [key, id] of this.tentative) this.committed.set(key, id);
    this.tentative.clear();
  }

  rollback(): void {
    this.tentative.clear();
  }

  forgetRun(runId: string): void {
    for (const key of [...this.committed.keys()])
      if (key.startsWith(`${runId}\0`)) this.committed.delete(key);
  }
}
