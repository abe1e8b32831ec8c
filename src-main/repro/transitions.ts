// Study `transitions`: the train loss just before and just after every stage change of RaPTr runs (the
// paper: no spike, it often drops). Uses the RaPTr runs of the bert-mini and polynomial studies when they
// exist; otherwise trains its own.
import { findPreset } from '../../shared/config/presets.js';
import type { RunConfig } from '../../shared/config/schema.js';
import { formatPercent } from '../../shared/format.js';
import { EVAL_MASKING_LABELS, evalMaskingOf, primaryEvalKey } from '../../shared/metrics.js';
import type { TransitionRecord } from '../../shared/trainer-protocol.js';
import { evalSeries, listEvents, meanOverSteps, mustGetRun, type Run } from '../store/index.js';
import { bertMini } from './bert-mini.js';
import { image, table } from './markdown.js';
import { polynomial } from './polynomial.js';
import type { Study, StudyContext, StudyRun } from './study.js';

type Record_ = Omit<TransitionRecord, 'type'>;

function transitionsOf(ctx: StudyContext, runId: string): Record_[] {
  return listEvents(ctx.db, runId, { kinds: ['transition'] }).map((e) => e.payload as Record_);
}

/** Without the other studies' runs: one short BERT-mini and one polynomial RaPTr run of its own. */
function ownRuns(quick: boolean): StudyRun[] {
  const steps = quick ? 200 : 800;
  const bert = findPreset('bert-mini-raptr')!.config;
  return [
    {
      name: 'transitions bert-mini raptr',
      config: {
        ...bert,
        name: 'transitions bert-mini raptr',
        training: { ...bert.training, steps, evalEvery: Math.round(steps / 8) },
      },
    },
    {
      name: 'transitions polynomial raptr',
      config: { ...findPreset('polynomial-raptr')!.config, name: 'transitions polynomial raptr' },
    },
  ];
}

const isRaptrSeed0 = (run: StudyRun) =>
  (run.config.policy as { kind?: string } | undefined)?.kind === 'raptr' && / seed 0$/.test(run.name);

/**
 * The seed-0 RaPTr runs of the bert-mini and polynomial studies as they stand (same names and configs as
 * their current plans, completed); trains this study's own pair when there are none.
 */
async function raptrRuns(ctx: StudyContext): Promise<Run[]> {
  const found = [bertMini, polynomial].flatMap((study) =>
    ctx.completedRunsOf(study, study.plan({ quick: ctx.quick, seeds: 0 }).filter(isRaptrSeed0)),
  );
  const ids = found.filter((id): id is string => id !== null);
  if (ids.length > 0) return ids.map((id) => mustGetRun(ctx.db, id));
  ctx.log('no RaPTr runs from the bert-mini or polynomial studies yet: training two');
  return (await ctx.train(ownRuns(ctx.quick))).map((id) => mustGetRun(ctx.db, id));
}

const f4 = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : '-');

export const transitions: Study = {
  name: 'transitions',
  title: 'Stage transitions: does the loss spike when RaPTr adds blocks?',
  plan: ({ quick }) => ownRuns(quick),
  async run(ctx) {
    const runs = await raptrRuns(ctx);
    const rows: Array<Array<string | number>> = [];
    let drops = 0;
    let rises = 0;
    let spikes = 0;
    let aboveTrend = 0;
    let withTrend = 0;
    for (const run of runs) {
      const evals = evalSeries(ctx.db, run.id)[primaryEvalKey(run.config as unknown as RunConfig)] ?? [];
      for (const t of transitionsOf(ctx, run.id)) {
        const change = t.lossAfter / t.lossBefore - 1;
        // The trend: the same change between the two windows before the boundary, where nothing changed.
        // A change across the boundary above it is what the new blocks cost.
        const earlier = meanOverSteps(
          ctx.db,
          run.id,
          'train/loss',
          t.step - 2 * t.window,
          t.step - t.window - 1,
        );
        const trend = earlier === null ? null : t.lossBefore / earlier - 1;
        if (trend !== null) {
          withTrend++;
          if (change > trend) aboveTrend++;
        }
        if (change < 0) drops++;
        else rises++;
        // A spike: the first step after the change well above the last one before it (10%).
        const jump = t.firstAfter / t.lastBefore - 1;
        if (jump > 0.1) spikes++;
        const before = evals.filter((p) => p.step < t.step).at(-1);
        const after = evals.find((p) => p.step >= t.step);
        rows.push([
          run.name,
          `${t.fromStage + 1} → ${t.toStage + 1}`,
          t.step,
          t.window,
          f4(t.lossBefore),
          f4(t.lossAfter),
          formatPercent(change),
          trend === null ? '-' : formatPercent(trend),
          `${f4(t.lastBefore)} → ${f4(t.firstAfter)}`,
          before && after ? `${f4(before.value ?? Number.NaN)} → ${f4(after.value ?? Number.NaN)}` : '-',
        ]);
      }
    }
    const charts = await ctx.charts();
    const shots: string[] = [];
    for (const [i, run] of runs.slice(0, 4).entries()) {
      const file = `loss-${i + 1}.png`;
      await charts.shoot({
        hash: `#/run/${run.id}`,
        testId: 'loss-chart',
        file: `${ctx.outDir}/${ctx.chartPath(file)}`,
      });
      shots.push(image(`${run.name}: train loss with the stages as bands`, ctx.chartPath(file)));
    }
    const total = drops + rises;
    const maskings = [...new Set(runs.map((r) => evalMaskingOf(r.config)))].flatMap((m) =>
      m ? [EVAL_MASKING_LABELS[m]] : [],
    );
    const mlmEval = maskings.length > 0 ? `the held-out MLM loss with ${maskings.join(' or ')}` : '';
    return `
Every RaPTr run records, at each stage change, the mean train loss over the last \`window\` steps of the old
stage and over the first \`window\` steps of the new one (\`training.transitionWindow\`, 20 by default), and the
train loss of the step just before and just after. The runs below are the RaPTr runs (seed 0) of the
\`bert-mini\` and \`polynomial\` studies (or, without them, two runs of this study's own). \`eval before → after\` is
the run's held-out loss at the evaluations either side of the change${mlmEval ? ` (${mlmEval} for BERT-mini, the MSE on fresh samples for the polynomial)` : ''}.

${table(
  [
    'run',
    'stage',
    'at step',
    'window',
    'mean before',
    'mean after',
    'change',
    'trend before',
    'last before → first after',
    'eval before → after',
  ],
  rows,
  ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
)}

Of ${total} transitions, the windowed train loss **dropped at ${drops}** and rose at ${rises}; the first step after a
change was more than 10% above the last step before it at **${spikes}** (a spike). The windows straddle an
ongoing descent, so a drop is partly the trend: \`trend before\` is the same change between the two windows just
before the boundary, where nothing changed. The change across the boundary was above that trend at
**${aboveTrend} of ${withTrend}** transitions (the new blocks slowed the descent, or cost loss), below it at the others.
The step-by-step columns and the charts show the boundary itself.

${shots.join('\n\n')}

## Scaling up

This study trains nothing when the other two have run: scale up \`bert-mini\` on a GPU (its report says how) and
run \`npm run repro -- transitions\` again. For runs of 100k steps, a window of 20 steps is a thin slice of a
noisy curve: set \`training.transitionWindow\` to a few hundred steps in those runs' configs.
`;
  },
};
