// What the desktop app runs behind its window: the run database (the same file the CLI and `raptr serve`
// use), a run manager whose trainers are utility processes, the contract's handlers and the live events.
// Start-up recovery (runs left "running" by a crash become "interrupted") is the run manager's.
import { runsDirFor } from '../paths.js';
import { utilityTrainer } from '../runs/electron-host.js';
import { RunManager } from '../runs/run-manager.js';
import type { TrainerHost } from '../runs/trainer-host.js';
import type { Handlers } from '../services/dispatch.js';
import { createHandlers } from '../services/handlers.js';
import { liveEvents, type LiveEvents } from '../services/live-events.js';
import { openDatabase, type Db, type RunStatus } from '../store/index.js';

export interface AppServices {
  db: Db;
  databasePath: string;
  manager: RunManager;
  handlers: Handlers;
  live: LiveEvents;
  /** Runs training or stopping in this process right now. */
  runningRuns(): string[];
  /** Stops every run with a checkpoint, waits for the trainers, closes the database. */
  shutdown(): Promise<void>;
  /** Kills the trainers still running (a second quit, or a trainer that does not stop). */
  forceStop(): void;
}

export interface AppServicesOptions {
  databasePath: string;
  electronVersion: string;
  launch?: (env: NodeJS.ProcessEnv) => TrainerHost;
}

const BUSY: ReadonlySet<RunStatus> = new Set(['running', 'stopping']);

export function openAppServices(options: AppServicesOptions): AppServices {
  const { databasePath, electronVersion } = options;
  const launch = options.launch ?? utilityTrainer;
  const db = openDatabase(databasePath);
  const manager = new RunManager({ db, runsDir: runsDirFor(databasePath), launch });
  const handlers = createHandlers({
    manager,
    databasePath,
    electronVersion,
    launch: () => launch(process.env),
  });
  const live = liveEvents(manager);
  const busy = new Set<string>();
  manager.subscribe((event) => {
    if (event.type !== 'status') return;
    if (BUSY.has(event.status)) busy.add(event.runId);
    else busy.delete(event.runId);
  });
  let closing: Promise<void> | null = null;

  return {
    db,
    databasePath,
    manager,
    handlers,
    live,
    runningRuns: () => [...busy],
    shutdown: () =>
      (closing ??= manager.shutdown().finally(() => {
        live.close();
        db.close();
      })),
    // A second stop of a stopping run kills its trainer (the run manager's rule); it ends as "stopped".
    forceStop: () => {
      for (const runId of busy) {
        try {
          manager.stop(runId);
        } catch (error) {
          // Called from a timer while quitting: a run deleted meanwhile must not take main down.
          console.error(`RaPTr Studio: could not stop run ${runId}:`, error);
        }
      }
    },
  };
}
