// Finding runs: search, filters, tags and the parent/child links between runs.
import { parseInput } from './errors.js';
import { RUN_COLUMNS, runFromRow, type RunRow } from './run-rows.js';
import { RunFilterSchema, type Run, type RunFilter } from './run-schemas.js';
import { cached, type Db } from './sqlite.js';

/** Newest first. Text search is a LIKE over name, notes and tags: run tables hold thousands, not millions. */
export function listRuns(db: Db, filter: RunFilter = {}): Run[] {
  const f = parseInput(RunFilterSchema, filter, 'run filter');
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.text !== undefined && f.text.trim() !== '') {
    const pattern = `%${escapeLike(f.text.trim())}%`;
    where.push(`(name LIKE ? ESCAPE '\\' OR notes LIKE ? ESCAPE '\\'
      OR EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = runs.id AND t.tag LIKE ? ESCAPE '\\'))`);
    params.push(pattern, pattern, pattern);
  }
  if (f.tag !== undefined) {
    // Answered by the run_tags_by_tag index.
    where.push('id IN (SELECT run_id FROM run_tags WHERE tag = ?)');
    params.push(f.tag);
  }
  if (f.status !== undefined) {
    const statuses = Array.isArray(f.status) ? f.status : [f.status];
    where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...statuses);
  }
  const equals: Array<[string, string | number | undefined]> = [
    ['policy = ?', f.policy],
    ['archived = ?', f.archived === null ? undefined : Number(f.archived)],
    ['parent_run_id = ?', f.parentRunId],
  ];
  for (const [condition, value] of equals) {
    if (value === undefined) continue;
    where.push(condition);
    params.push(value);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const sql = `SELECT ${RUN_COLUMNS} FROM runs ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`;
  return cached<unknown[], RunRow>(db, sql)
    .all(...params, f.limit, f.offset)
    .map(runFromRow);
}

/** Every tag in use with how many runs carry it, most used first (for a tag picker). */
export function listTags(db: Db): Array<{ tag: string; runs: number }> {
  return cached<[], { tag: string; runs: number }>(
    db,
    'SELECT tag, count(*) AS runs FROM run_tags GROUP BY tag ORDER BY runs DESC, tag',
  ).all();
}

/** Runs started from this one (resumed copies, forks), oldest first. */
export function childRuns(db: Db, runId: string): Run[] {
  return cached<[string], RunRow>(db, `SELECT ${RUN_COLUMNS} FROM runs WHERE parent_run_id = ? ORDER BY id`)
    .all(runId)
    .map(runFromRow);
}

/** The chain of parents, nearest first, without the run itself. Stops at a cycle rather than looping. */
export function runAncestors(db: Db, runId: string): Run[] {
  const rows = cached<[string], RunRow>(
    db,
    `WITH RECURSIVE chain(id, depth) AS (
       SELECT parent_run_id, 1 FROM runs WHERE id = ?
       UNION
       SELECT runs.parent_run_id, chain.depth + 1 FROM runs JOIN chain ON runs.id = chain.id
       WHERE chain.depth < 1000
     )
     SELECT ${RUN_COLUMNS} FROM chain JOIN runs ON runs.id = chain.id ORDER BY chain.depth`,
  ).all(runId);
  const seen = new Set<string>([runId]);
  const result: Run[] = [];
  for (const row of rows) {
    if (seen.has(row.id)) break;
    seen.add(row.id);
    result.push(runFromRow(row));
  }
  return result;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
