// The run timeline: stage changes, evals, transitions, errors, logs, checkpoints and status changes.
import { z } from 'zod';
import { parseInput } from './errors.js';
import { EVENT_KINDS } from './migrations/003-events-checkpoints.js';
import { RunIdSchema } from './run-schemas.js';
import { cached, type Db } from './sqlite.js';

export const EventKindSchema = z.enum(EVENT_KINDS);
export type EventKind = z.output<typeof EventKindSchema>;

export const NewEventSchema = z.strictObject({
  runId: RunIdSchema,
  step: z.number().int('must be a whole number').nullable().default(null),
  kind: EventKindSchema,
  payload: z.json({ error: 'must be JSON-serialisable' }),
  time: z.number().int().nonnegative().optional(),
});
export type NewEvent = z.input<typeof NewEventSchema>;

const EventQuerySchema = z.strictObject({
  kinds: z.array(EventKindSchema).optional(),
  fromStep: z.number().int().optional(),
  toStep: z.number().int().optional(),
  /** Only events after this id: how a live view asks for "what is new". */
  afterId: z.number().int().optional(),
  limit: z.number().int().positive().default(10_000),
});
export type EventQuery = z.input<typeof EventQuerySchema>;

export interface RunEvent {
  id: number;
  runId: string;
  step: number | null;
  kind: EventKind;
  payload: unknown;
  time: number;
}

interface EventRow {
  id: number;
  run_id: string;
  step: number | null;
  kind: EventKind;
  payload: string;
  time: number;
}

const INSERT_EVENT = 'INSERT INTO events (run_id, step, kind, payload, time) VALUES (?, ?, ?, ?, ?)';

/** Writes an already validated event; the ingestor's hot path. Returns the event id. */
export function insertEventRow(
  db: Db,
  runId: string,
  step: number | null,
  kind: EventKind,
  payloadJson: string,
  time: number,
): number {
  return Number(cached(db, INSERT_EVENT).run(runId, step, kind, payloadJson, time).lastInsertRowid);
}

export function addEvent(db: Db, input: NewEvent): number {
  const event = parseInput(NewEventSchema, input, 'event');
  const time = event.time ?? Date.now();
  return insertEventRow(db, event.runId, event.step, event.kind, JSON.stringify(event.payload), time);
}

export function listEvents(db: Db, runId: string, query: EventQuery = {}): RunEvent[] {
  const q = parseInput(EventQuerySchema, query, 'event query');
  const where = ['run_id = ?'];
  const params: unknown[] = [runId];
  if (q.kinds !== undefined) {
    if (q.kinds.length === 0) return [];
    // One kind as "=" so the (run_id, kind) index also gives the id order.
    where.push(q.kinds.length === 1 ? 'kind = ?' : `kind IN (${q.kinds.map(() => '?').join(', ')})`);
    params.push(...q.kinds);
  }
  const bounds: Array<[string, number | undefined]> = [
    ['step >= ?', q.fromStep],
    ['step <= ?', q.toStep],
    ['id > ?', q.afterId],
  ];
  for (const [condition, value] of bounds) {
    if (value === undefined) continue;
    where.push(condition);
    params.push(value);
  }
  const sql = `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`;
  const rows = cached<unknown[], EventRow>(db, sql).all(...params, q.limit);
  return rows.map((row) => ({
    id: row.id,
    runId: row.run_id,
    step: row.step,
    kind: row.kind,
    payload: JSON.parse(row.payload) as unknown,
    time: row.time,
  }));
}
