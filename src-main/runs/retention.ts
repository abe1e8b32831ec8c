// Checkpoint retention: keep the last N and the best by eval loss; delete the rest (files, then rows).
import { rm } from 'node:fs/promises';
import { deleteCheckpoint, listCheckpoints, type Db } from '../store/index.js';

export async function applyRetention(db: Db, runId: string, keepLast: number): Promise<string[]> {
  const all = listCheckpoints(db, runId);
  const keep = new Set(all.slice(-Math.max(1, keepLast)).map((c) => c.id));
  const scored = all.filter((c) => c.evalLoss !== null && Number.isFinite(c.evalLoss));
  const best = scored.reduce<(typeof scored)[number] | null>(
    (b, c) => (b === null || c.evalLoss! < b.evalLoss! ? c : b),
    null,
  );
  if (best) keep.add(best.id);
  const removed: string[] = [];
  for (const checkpoint of all) {
    if (keep.has(checkpoint.id)) continue;
    await rm(checkpoint.path, { recursive: true, force: true });
    deleteCheckpoint(db, checkpoint.id);
    removed.push(checkpoint.path);
  }
  return removed;
}
