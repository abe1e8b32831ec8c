// The child of the crash test: opens the database and ingests batches of step messages in a loop, reporting
// each committed batch to the parent, until it is killed. With a batch number as third argument it kills
// itself (SIGKILL) in the middle of that batch's transaction, after half of its metric points were inserted.
import { trainerStream } from '../../../bench/store-stream.js';
import { MetricIngestor, openDatabase, type Db } from '../../../src-main/store/index.js';
import { STEPS_PER_BATCH } from './batch-size.js';

const [path, runId, killInBatch] = process.argv.slice(2);
const db = openDatabase(path!);
let batch = 0;
if (killInBatch !== undefined) killMidTransaction(db, Number(killInBatch));

const ingestor = new MetricIngestor(db, { maxRows: Number.MAX_SAFE_INTEGER, maxDelayMs: 3_600_000 });
const stream = trainerStream({ steps: Number.MAX_SAFE_INTEGER, evalEvery: 0, stageSizes: [12] });
for (; ; batch++) {
  let steps = 0;
  while (steps < STEPS_PER_BATCH) {
    const message = stream.next().value!;
    ingestor.ingest(runId!, message);
    if (message.type === 'step') steps++;
  }
  ingestor.flush();
  process.send?.({ committed: batch });
}

/** Counts metric-point inserts; in the chosen batch, dies once half of its points are written. */
function killMidTransaction(database: Db, target: number): void {
  const prepare = database.prepare.bind(database);
  let inserted = 0;
  database.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!sql.startsWith('INSERT INTO metric_points')) return statement;
    const run = statement.run.bind(statement);
    statement.run = (...params: unknown[]) => {
      const result = run(...params);
      inserted += params.length / 6;
      if (batch === target && inserted >= (target + 0.5) * STEPS_PER_BATCH * 6) {
        if (!database.inTransaction) throw new Error('expected to be inside the batch transaction');
        process.kill(process.pid, 'SIGKILL');
      }
      return result;
    };
    return statement;
  }) as Db['prepare'];
}
