// The store's public surface. Other folders import from here, not from the files behind it.
export { openDatabase, integrityCheck, type OpenOptions } from './database.js';
export { migrate, schemaVersion } from './migrate.js';
export { LATEST_VERSION } from './migrations/index.js';
export { StoreError, type StoreErrorCode } from './errors.js';
export type { Db } from './sqlite.js';
export { newRunId } from './ids.js';
export type { NewRun, Run, RunFilter, RunPatch, RunStatus, StatusChange } from './run-schemas.js';
export { createRun, getRun, mustGetRun, updateRun, setRunEnvironment, deleteRun } from './runs.js';
export { listRuns, listTags, childRuns, runAncestors } from './run-list.js';
export { setRunStatus, markInterruptedRuns } from './run-status.js';
export {
  addEvent,
  listEvents,
  type EventKind,
  type EventQuery,
  type NewEvent,
  type RunEvent,
} from './events.js';
export {
  recordCheckpoint,
  listCheckpoints,
  latestCheckpoint,
  bestCheckpoint,
  setCheckpointEvalLoss,
  deleteCheckpoint,
  type Checkpoint,
  type NewCheckpoint,
} from './checkpoints.js';
export { listSeriesKeys, evalSeries, seriesBestAndLast, type MetricPoint, type XAxis } from './metrics.js';
export { series, type SeriesQuery, type SeriesResult } from './series-query.js';
export { MetricIngestor, type IngestorOptions } from './ingest/ingestor.js';
export { truncateRunFrom } from './ingest/rewind.js';
export { appendSeriesPoints } from './metrics-write.js';
export {
  recentMasks,
  latestStep,
  stageRanges,
  stepAtOrAfter,
  stepAtOrBefore,
  type StepRow,
} from './step-queries.js';
export { stageSummary, type StageSummary } from './stage-summary.js';
export { meanOverSteps } from './range-aggregate.js';
export { firstReach, type FirstReach, type FirstReachQuery } from './first-reach.js';
export {
  THIS_PROCESS,
  ownerAlive,
  setOwner,
  ownerOf,
  requestRun,
  takeRequests,
  recoverOrphanedRuns,
  type Owner,
  type RunRequestKind,
} from './ownership.js';
export { allSteps, allSeries, allEvents, runPointPages, type KeyedPoint } from './run-dump.js';
export { restoreRunFields, insertSteps, type RestoredRunFields } from './run-restore.js';
export {
  dataVersion,
  runState,
  runStates,
  newestStep,
  stepsAfter,
  newestEventId,
  eventsAfter,
  type RunState,
  type FedStep,
  type FedEvent,
} from './change-feed.js';
export { allSeriesKeys, finalValue, valueRange } from './series-summary.js';
