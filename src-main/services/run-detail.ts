// Everything the run page and `raptr show` need about one run.
import type { RunConfig } from '../../shared/config/schema.js';
import { expectedRelativeFlops } from '../../shared/flops.js';
import { planStages } from '../../shared/schedule.js';
import type { TransitionRecord } from '../../shared/trainer-protocol.js';
import {
  evalSeries,
  listCheckpoints,
  latestStep,
  listEvents,
  mustGetRun,
  stageSummary,
  stepAtOrAfter,
  type Db,
  type StepRow,
} from '../store/index.js';
import { summarizeRun } from './run-summary.js';
import { latestPlan, latestStability } from './stability-detail.js';
import type { LatestEval, RunDetail, StageSummary, StepMark } from '../../shared/api-types.js';

export type { LatestEval, RunDetail };

export function getRunDetail(db: Db, runId: string): RunDetail {
  const run = mustGetRun(db, runId);
  const config = run.config as unknown as RunConfig;
  const evals = evalSeries(db, runId);
  const plannedStages = latestPlan(listEvents(db, runId, { kinds: ['stage'] })) ?? planStages(config);
  const stages = stageSummary(db, runId);
  return {
    run,
    summary: summarizeRun(db, run),
    plannedStages,
    stages,
    latestEvals: Object.entries(evals)
      .map(([name, points]) => ({
        name,
        value: points.at(-1)?.value ?? null,
        step: points.at(-1)?.step ?? 0,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    transitions: listEvents(db, runId, { kinds: ['transition'] }).map((e) => {
      const { source: _source, ...record } = e.payload as Omit<TransitionRecord, 'type'> & {
        source?: string;
      };
      // Records made before the stability monitor carry no forecast.
      return { ...record, forecast: record.forecast ?? null };
    }),
    stability: latestStability(listEvents(db, runId, { kinds: ['eval'] })),
    checkpoints: listCheckpoints(db, runId),
    errors: listEvents(db, runId, { kinds: ['error'] }).map((e) => ({
      step: e.step,
      message: (e.payload as { message?: string }).message ?? JSON.stringify(e.payload),
    })),
    expectedRelativeFlops: expectedRelativeFlops(config, { blocksOnly: false, stages: plannedStages }),
    stageMarks: stageMarks(db, runId, stages),
  };
}

/** The step rows at each stage's first step and the newest one: a few primary-key reads. */
function stageMarks(db: Db, runId: string, stages: readonly StageSummary[]): StepMark[] {
  const mark = (row: StepRow): StepMark => ({
    step: row.step,
    tokens: row.tokens,
    flops: row.flops,
    wallMs: row.wallMs,
  });
  const rows = stages.map((s) => stepAtOrAfter(db, runId, s.firstStep)).filter((r) => r !== undefined);
  const newest = latestStep(db, runId);
  if (newest && newest.step !== rows.at(-1)?.step) rows.push(newest);
  return rows.map(mark);
}
