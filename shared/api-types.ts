// The data that crosses from main to the renderer (and to `raptr serve` clients): defined once here, used
// by the store and the services that produce it and by the renderer that shows it.
import type { ConfigDifference } from './config/diff.js';
import type { Preset } from './config/presets.js';
import type { RunConfig } from './config/schema.js';
import type { EvalMasking } from './metrics.js';
import type { ConfigIssue } from './config/validate.js';
import type { BackendInfo, EvalResult, StagePlan, TransitionRecord } from './trainer-protocol.js';

export const RUN_STATUSES = [
  'queued',
  'running',
  'stopping',
  'stopped',
  'completed',
  'failed',
  'interrupted',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const X_AXES = ['step', 'tokens', 'flops', 'wall'] as const;
export type XAxis = (typeof X_AXES)[number];

export interface Run {
  id: string;
  name: string;
  status: RunStatus;
  config: Record<string, unknown>;
  preset: string | null;
  policy: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  backend: string | null;
  device: string | null;
  seed: number | null;
  appVersion: string;
  corpusFingerprint: string | null;
  tags: string[];
  notes: string;
  parentRunId: string | null;
  archived: boolean;
  errorTail: string | null;
}

export interface RunSummary {
  id: string;
  name: string;
  status: RunStatus;
  policy: string;
  /** "6-8-10-12", "6-9-12", "keep 0.75", ... */
  schedule: string;
  task: string;
  stepsDone: number;
  stepsTotal: number;
  evalKey: string;
  /** MLM runs: how the held-out targets were hidden for eval/mlm_loss and eval/mlm_acc; null otherwise. */
  evalMasking: EvalMasking | null;
  bestEvalLoss: number | null;
  lastEvalLoss: number | null;
  flops: number;
  fullFlops: number;
  /** 1 - flops / fullFlops: what this run saved against full training so far. */
  flopsSaved: number;
  wallMs: number;
  createdAt: number;
  tags: string[];
  archived: boolean;
  backend: string | null;
  device: string | null;
  preset: string | null;
  /** The extra columns asked for (runs:list `columns`), by column id; null where a run has no value. */
  columns?: Record<string, ColumnValue>;
}

export type ColumnValue = number | string | boolean | null;

/**
 * A runs-table column beyond the fixed ones: a config field by its path ("config:model.layers"), or a
 * metric's final or best value ("final:eval/mlm_loss", "best:eval/era_probe_acc").
 */
export type ColumnId = `config:${string}` | `final:${string}` | `best:${string}`;

/** What the column chooser offers: every config field and every metric key some run has. */
export interface ColumnChoices {
  config: string[];
  metrics: string[];
}

/** One line of a trainer's log, as recorded: info and warnings it sent, and errors. */
export interface LogEntry {
  id: number;
  time: number;
  step: number | null;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** The outcome of one run in a bulk action; a refusal names why (it trains elsewhere, it is gone). */
export interface BulkOutcome {
  id: string;
  ok: boolean;
  error?: string;
}

/** Where the run stood at a step on every x-axis: maps stage boundaries onto tokens, FLOPs and wall time. */
export interface StepMark {
  step: number;
  tokens: number;
  flops: number;
  wallMs: number;
}

export interface StageSummary {
  stage: number;
  /** From the trainer's stage plan, when it sent one. */
  label: string | null;
  p: number | null;
  expectedActive: number | null;
  firstStep: number;
  lastStep: number;
  steps: number;
  meanActive: number | null;
  /** FLOPs spent in this stage, and what full training would have spent over the same steps. */
  flops: number;
  fullFlops: number;
  /** The train loss of the stage's last step. */
  trainLossAtEnd: number | null;
  /** The eval at the stage end (or the last eval inside the stage), by name; null when none ran. */
  evalAtEnd: { step: number; reason: string; results: Record<string, number | null> } | null;
}

export interface Checkpoint {
  id: number;
  runId: string;
  step: number;
  path: string;
  bytes: number;
  sha256: string;
  evalLoss: number | null;
  createdAt: number;
}

export interface LatestEval {
  name: string;
  value: number | null;
  step: number;
}

/** The stability monitor's last evaluation (shared/stability.ts): what `raptr show` prints. */
export interface StabilityRow {
  /** The evaluation's step (0-based, the step just completed). */
  step: number;
  /** The full model's loss on the monitor's held-out batches. */
  fullLoss: number | null;
  /** Loss with block i bypassed minus the full loss, by block; null where it was not measured. */
  drops: Array<number | null>;
  /** The forecast: expected loss under this stage's masks and the next stage's, and the gap; null without one. */
  stageLoss: number | null;
  nextLoss: number | null;
  gap: number | null;
}

export interface RunDetail {
  run: Run;
  summary: RunSummary;
  /**
   * The schedule: as configured before anything ran, then as the trainer last sent it (an adaptive schedule's
   * stages as they happened, the rest as planned then).
   */
  plannedStages: StagePlan[];
  /** What happened in each stage, from the recorded rows. */
  stages: StageSummary[];
  latestEvals: LatestEval[];
  transitions: Array<Omit<TransitionRecord, 'type'>>;
  /** The stability monitor's last evaluation; null when the run recorded none. */
  stability: StabilityRow | null;
  checkpoints: Checkpoint[];
  errors: Array<{ step: number | null; message: string }>;
  expectedRelativeFlops: number;
  /** The first step of each recorded stage, then the newest step: stage boundaries on every x-axis. */
  stageMarks: StepMark[];
}

/** Columns, one entry per bucket (or per point in raw mode, where min = max = mean and count = 1). */
export interface SeriesResult {
  key: string;
  mode: 'buckets' | 'raw' | 'empty';
  /** Steps per rollup cell read; 0 when raw points were read. */
  cellSteps: number;
  /** Bucket width on the x-axis (0 in raw mode); bucket i covers [x[i], x[i] + width). */
  width: number;
  /** Bucket start on the x-axis (raw mode: the point's x). */
  x: number[];
  min: number[];
  max: number[];
  mean: number[];
  count: number[];
  xFirst: number[];
  xLast: number[];
}

export interface ComparedRun {
  id: string;
  name: string;
  /** "mlm" or "polynomial": runs of different tasks have different eval metrics. */
  task: string;
  /** The run's own held-out loss key (its task's). */
  evalKey: string;
  policy: string;
  schedule: string;
  /** The series read for the compared key in this run (the training-masking loss has two names). */
  seriesKey: string;
  /** How this run measured the compared key, when that depends on its masking (eval/mlm_loss, _acc). */
  evalMasking: EvalMasking | null;
  bestEvalLoss: number | null;
  finalEvalLoss: number | null;
  totalFlops: number;
  totalWallMs: number;
  /** Null when the run never reached the target. */
  reach: { step: number; flops: number; wallMs: number; tokens: number } | null;
  /**
   * first run's FLOPs to the target / this run's: 1.31 means this run needed 1.31x fewer FLOPs. Null when
   * either did not reach it, or when this run measured the key differently from the first.
   */
  flopsRatio: number | null;
  wallRatio: number | null;
}

export interface CompareResult {
  key: string;
  target: number | null;
  targetSource: 'given' | 'highest best loss' | 'none';
  /** Set when the runs measured the key in different ways: says which, and what compares them all. */
  maskingNote: string | null;
  runs: ComparedRun[];
  differences: ConfigDifference[];
  /** Ids asked for that name no run (deleted since the link was made): left out, not fatal. */
  missing: string[];
}

export interface MaskRow {
  step: number;
  stage: number;
  mask: string;
}

export type ConfigCheck =
  | {
      valid: true;
      config: RunConfig;
      stages: StagePlan[];
      /** baseline FLOPs / expected method FLOPs, embedding and head included, and blocks only. */
      expectedRelativeFlops: number;
      expectedRelativeFlopsBlocksOnly: number;
    }
  | { valid: false; issues: ConfigIssue[] };

export interface SystemInfo {
  app: { version: string; node: string; electron: string | null; platform: string };
  cpu: { model: string; cores: number };
  gpus: string[];
  /** What each TensorFlow.js backend would do here; probed in a short-lived trainer process. */
  backends: Array<{ name: BackendInfo['name']; available: boolean; detail: string }>;
  /** Concurrent runs this app starts: one per GPU, CPU runs limited to the cores. */
  slots: { gpu: number; cpu: number };
  database: string;
}

export interface ExportResult {
  format: 'hf' | 'safetensors' | 'csv' | 'json' | 'bundle';
  runId: string;
  /** The folder or file written. */
  path: string;
  files: string[];
  /** The checkpoint exported (hf, safetensors) or bundled (bundle). */
  checkpoints: Array<{ step: number; roles?: string[] }>;
  /** hf only: BertForMaskedLM or RobertaPreLayerNormForMaskedLM. */
  architecture?: string;
  /** csv, json: metric points written. */
  points?: number;
}

/** An export made for the browser to download: GET /api/downloads/<file> from `raptr serve`. */
export interface ExportDownload {
  file: string;
  bytes: number;
  result: ExportResult;
}

export type { ConfigDifference, ConfigIssue, EvalResult, Preset, StagePlan };
