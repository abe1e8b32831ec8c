// What a reproduction study is and what it gets to work with: the app's own run manager and database
// (its runs show up in the UI), a way to train a batch of runs and wait, and chart capture.
import type { RunConfigInput } from '../../shared/config/schema.js';
import type { RunManager } from '../runs/run-manager.js';
import type { Db } from '../store/index.js';
import type { ChartCapture } from './charts.js';

export interface StudyRun {
  /** Unique within the study: it finds the run again when a study is re-run with --reuse. */
  name: string;
  config: RunConfigInput;
  tags?: string[];
}

export interface StudyContext {
  manager: RunManager;
  db: Db;
  databasePath: string;
  /** docs/results (the report is <out>/<study>.md, its charts <out>/<study>/*.png). */
  outDir: string;
  /** Fewer steps and seeds: a smoke run of the whole pipeline, not a result. */
  quick: boolean;
  seeds: number;
  /** Steps per run for a study that takes --steps (0 or absent: the study's own length). */
  steps?: number;
  /** Steps between evaluations for a study that takes --eval-every (0 or absent: the study's own cadence). */
  evalEvery?: number;
  log(message: string): void;
  /** Trains the runs (at most as many at once as the run manager has slots) and returns their ids in order. */
  train(runs: StudyRun[]): Promise<string[]>;
  /**
   * Another study's completed runs, one per planned run (null where it has not completed): how a study reads
   * what another one trained. The ids count as this study's runs in its report's header.
   */
  completedRunsOf(study: Study, runs: StudyRun[]): Array<string | null>;
  /** Chart capture, opened on first use. */
  charts(): Promise<ChartCapture>;
  /** Relative path from the report to a chart file, for Markdown. */
  chartPath(name: string): string;
}

export interface PlanOptions {
  quick: boolean;
  /** 0: the study's default. */
  seeds: number;
  /** Steps per run, for a study that takes --steps; 0 or absent: the study's own length. */
  steps?: number;
  /** Steps between evaluations, for a study that takes --eval-every; 0 or absent: the study's own cadence. */
  evalEvery?: number;
}

export interface Study {
  name: string;
  title: string;
  /**
   * Whether `--steps N` and `--eval-every N` may change its runs' length and evaluation cadence (the others'
   * reports depend on their fixed ones).
   */
  takesSteps?: boolean;
  /** The runs the study trains (other studies read them through completedRunsOf). */
  plan(options: PlanOptions): StudyRun[];
  /** Writes the report's Markdown body (everything after the title). */
  run(ctx: StudyContext): Promise<string>;
}
