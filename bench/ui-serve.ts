// `node dist/bench/ui-serve.js DB STATIC_DIR`: `raptr serve` over a given renderer build, so the UI benchmark
// can time today's renderer and an earlier one (BENCH_BASELINE) against the same server in one run. Prints
// "serving URL" like the real command and stops (runs first) on SIGTERM.
import { runsDirFor } from '../src-main/paths.js';
import { RunManager } from '../src-main/runs/run-manager.js';
import { startServer } from '../src-main/server/index.js';
import { openDatabase } from '../src-main/store/index.js';

const [dbPath, staticDir] = process.argv.slice(2);
if (!dbPath || !staticDir) throw new Error('usage: ui-serve.js DB STATIC_DIR');
const manager = new RunManager({ db: openDatabase(dbPath), runsDir: runsDirFor(dbPath) });
const server = await startServer({ manager, databasePath: dbPath, port: 0, staticDir });
process.stdout.write(`serving ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => manager.shutdown());
});
