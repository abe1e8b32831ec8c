// The contract, implemented once. Electron's ipcMain handlers, `raptr serve` and tests all call these
// through dispatch(), which validated the request first.
import { checkConfig } from '../../shared/config/check.js';
import { PRESETS } from '../../shared/config/presets.js';
import { exportRun } from '../checkpoints/export/export-run.js';
import type { RunManager } from '../runs/run-manager.js';
import type { TrainerHost } from '../runs/trainer-host.js';
import { listRuns, listSeriesKeys, mustGetRun, recentMasks, series, updateRun } from '../store/index.js';
import { bulkAction, deleteWhereverTraining } from './run-actions.js';
import { runLogs } from './run-log.js';
import { columnChoices, withColumns } from './run-columns.js';
import { compareRuns } from './compare.js';
import { exportForDownload, serverSideExportPath } from './export-download.js';
import type { Handlers } from './dispatch.js';
import { getRunDetail } from './run-detail.js';
import { summarizeRun } from './run-summary.js';
import { systemInfo } from './system-info.js';

export interface ServiceContext {
  manager: RunManager;
  databasePath: string;
  /** process.versions.electron inside the desktop app. */
  electronVersion: string | null;
  /** How to start a trainer for the backend probe (Electron: utilityProcess). */
  launch?: () => TrainerHost;
}

export function createHandlers(ctx: ServiceContext): Handlers {
  const { manager } = ctx;
  const db = manager.db;
  const summary = (id: string) => summarizeRun(db, mustGetRun(db, id));
  return {
    'runs:list': ({ columns, ...filter }) => {
      manager.recoverOrphans(); // a run whose process is gone reads as interrupted, not running
      const runs = listRuns(db, {
        ...filter,
        archived: filter.archived === undefined ? false : filter.archived,
      });
      const summaries = runs.map((run) => summarizeRun(db, run));
      return withColumns(db, runs, summaries, columns ?? []);
    },
    'runs:columns': () => columnChoices(db),
    'runs:logs': (r) => runLogs(db, r.id, r.afterId, r.limit),
    'runs:bulk': (r) => bulkAction(manager, r),
    'runs:get': (r) => {
      manager.recoverOrphans();
      return getRunDetail(db, r.id);
    },
    'runs:create': (r) => {
      const run = manager.create({
        config: r.config,
        name: r.name,
        preset: r.preset ?? null,
        tags: r.tags,
        notes: r.notes,
        start: r.start,
        priority: r.priority,
      });
      return summary(run.id); // read back: the run may have started already
    },
    'runs:start': (r) => ({ status: manager.start(r.id, r.priority) }),
    'runs:stop': (r) => ({ status: manager.stop(r.id) }),
    'runs:resume': (r) => {
      const { fromStep } = manager.resume(r.id, r.priority, { fromStep: r.fromStep, backend: r.backend });
      return { status: mustGetRun(db, r.id).status, fromStep };
    },
    'runs:update': ({ id, ...patch }) => {
      updateRun(db, id, patch);
      return summary(id);
    },
    'runs:delete': async (r) => ({ deleted: await deleteWhereverTraining(manager, r.id, r.stop ?? false) }),
    'runs:compare': (r) =>
      compareRuns(db, { runIds: r.ids, atLoss: r.atLoss, key: r.key, skipMissing: true }),
    'metrics:series': (r) => {
      mustGetRun(db, r.runId);
      return series(db, r);
    },
    'metrics:batch': (r) =>
      r.queries.map((query) => {
        mustGetRun(db, query.runId);
        return series(db, query);
      }),
    'metrics:keys': (r) => {
      mustGetRun(db, r.runId);
      return listSeriesKeys(db, r.runId);
    },
    'metrics:masks': (r) => {
      mustGetRun(db, r.runId);
      return recentMasks(db, r.runId, r.last);
    },
    'presets:list': () => [...PRESETS],
    'config:validate': (r) => checkConfig(r.config),
    'export:run': (r) =>
      exportRun(db, {
        runId: r.id,
        format: r.format,
        out: serverSideExportPath(ctx.databasePath, r.out), // under exports/, by export-run's target policy
        checkpoint: r.checkpoint === undefined ? 'latest' : String(r.checkpoint),
        force: r.force ?? false,
      }),
    'export:download': (r) => exportForDownload(db, ctx.databasePath, r),
    'system:info': () =>
      systemInfo({
        databasePath: ctx.databasePath,
        slots: manager.slotLimits,
        electronVersion: ctx.electronVersion,
        launch: ctx.launch,
      }),
  };
}
