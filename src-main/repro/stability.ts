// Study `stability`: what the stability monitor sees on BERT-mini. The drop loss of every block under full
// training, RaPTr 6-8-10-12 and PLD (does RaPTr make blocks individually droppable?); the forecast beside
// the realized jump at every stage change; and adaptive stage lengths against the equal 6-8-10-12 at equal
// FLOPs over seeds, with the seed-to-seed spread as the yardstick.
import { findPreset } from '../../shared/config/presets.js';
import type { RunConfigInput } from '../../shared/config/schema.js';
import { formatFlops, formatPercent } from '../../shared/format.js';
import { MLM_KEYS } from '../../shared/metrics.js';
import { getRunDetail } from '../services/run-detail.js';
import { evalSeries, latestStep } from '../store/index.js';
import { image, mean, table } from './markdown.js';
import { matchedPldGamma } from './polynomial.js';
import {
  evalAgainstFlops,
  finalDrops,
  forecastRows,
  innerDropShare,
  lossAtFlops,
  type FinalDrops,
  type ForecastRow,
} from './stability-numbers.js';
import type { PlanOptions, Study, StudyRun } from './study.js';

const METHODS = ['full', 'raptr', 'pld', 'raptr-adaptive'] as const;
type MethodId = (typeof METHODS)[number];
const LABELS: Record<MethodId, string> = {
  full: 'full training',
  raptr: 'RaPTr 6-8-10-12 (equal stages)',
  pld: 'PLD (matched FLOPs)',
  'raptr-adaptive': 'RaPTr 6-8-10-12 (adaptive stages)',
};
/** Methods trained on every seed (the adaptive comparison); the others on seed 0 only (the heatmaps). */
const EVERY_SEED: readonly MethodId[] = ['raptr', 'raptr-adaptive'];

/** The study's own length; `--steps N` replaces it (a shorter study on a loaded machine, a longer one on a GPU). */
const DEFAULT_STEPS = 1500;
const stepsFor = ({ quick, steps }: Pick<PlanOptions, 'quick' | 'steps'>) =>
  steps ? steps : quick ? 150 : DEFAULT_STEPS;
/** Twenty evaluations a run unless `--eval-every N` (fewer, on a loaded machine: each runs the monitor). */
const evalEveryFor = (options: Pick<PlanOptions, 'quick' | 'steps' | 'evalEvery'>) =>
  options.evalEvery ? options.evalEvery : Math.max(10, Math.round(stepsFor(options) / 20));

function configOf(method: MethodId, options: PlanOptions, seed: number): RunConfigInput {
  const steps = stepsFor(options);
  const base = findPreset(
    method === 'full' ? 'bert-mini-full' : `bert-mini-${method.replace('-adaptive', '')}`,
  )!.config;
  const config: RunConfigInput = {
    ...base,
    task: { ...(base.task as Record<string, unknown>), probes: { when: 'never' } } as RunConfigInput['task'],
    // Each evaluation with the monitor at its defaults (2 held-out batches, 4 masks per stage).
    training: { ...base.training, steps, seed, evalEvery: evalEveryFor(options) },
  };
  if (method === 'pld')
    return { ...config, policy: { kind: 'pld', thetaBar: 0.5, gamma: matchedPldGamma(12, steps, 9) } };
  if (method !== 'raptr-adaptive') return config;
  const policy = config.policy as Record<string, unknown>;
  const schedule = policy.schedule as Record<string, unknown>;
  return {
    ...config,
    policy: { ...policy, schedule: { ...schedule, lengths: 'adaptive' } } as RunConfigInput['policy'],
  };
}

function planStability(options: PlanOptions) {
  const seedCount = options.seeds || 2;
  return METHODS.flatMap((method) =>
    Array.from({ length: EVERY_SEED.includes(method) ? seedCount : 1 }, (_, seed) => {
      const name = `stability bert-mini ${method} seed ${seed}`;
      const run: StudyRun = { name, config: { ...configOf(method, options, seed), name } };
      return { method, seed, run };
    }),
  );
}

const f3 = (x: number | null | undefined) =>
  x === null || x === undefined || !Number.isFinite(x) ? '-' : x.toFixed(3);
const signed = (x: number | null) =>
  x === null || !Number.isFinite(x) ? '-' : `${x > 0 ? '+' : ''}${x.toFixed(3)}`;

/** What kind of run this report is, when it is not the study at its own length. */
function banner(ctx: PlanOptions, steps: number): string {
  const every = evalEveryFor(ctx);
  const fewerEvals = ctx.evalEvery
    ? `, an evaluation every ${every} steps (\`--eval-every ${every}\`; its own: twenty a run)`
    : '';
  if ((ctx.steps && steps < DEFAULT_STEPS) || ctx.evalEvery)
    return `> **A shortened study (\`--steps ${steps}\`; its own length is ${DEFAULT_STEPS}${fewerEvals}): every run stopped earlier in its training, so its losses are higher than at full length and its differences are those of shorter training; adaptive stages can end only at an evaluation, so fewer evaluations give the rule fewer chances.**\n\n`;
  if (ctx.quick && !ctx.steps)
    return `> **A smoke run (\`--quick\`, ${steps} steps): the pipeline works; the numbers are not a result.**\n\n`;
  return '';
}

/** Below this share of the loss, a block's drop is not a block the model needs (at this scale, noise). */
const NEGLIGIBLE_SHARE = 0.005;
const percent2 = (x: number) => formatPercent(x, 2);

/** Which method leaves its inner blocks most droppable, or that no block but the ends matters to any. */
function droppability(finals: ReadonlyArray<{ r: { method: MethodId }; final: FinalDrops | null }>): string {
  const share = (m: MethodId) => {
    const final = finals.find((f) => f.r.method === m)?.final;
    return final ? innerDropShare(final) : Number.NaN;
  };
  const costs = `Dropping a typical inner block costs ${percent2(share('raptr'))} of the loss after RaPTr, ${percent2(share('pld'))} after PLD and ${percent2(share('full'))} after full training.`;
  const largest = finals
    .flatMap(({ r, final }) => (final?.drops ?? []).map((drop, block) => ({ method: r.method, block, drop })))
    .reduce((a, b) => (Math.abs(b.drop) > Math.abs(a.drop) ? b : a), {
      method: 'full' as MethodId,
      block: -1,
      drop: 0,
    });
  const where =
    largest.block < 0
      ? ''
      : ` The largest single drop is block ${largest.block}'s after ${LABELS[largest.method]} (${signed(largest.drop)}).`;
  if ((['raptr', 'pld', 'full'] as const).every((m) => Math.abs(share(m)) < NEGLIGIBLE_SHARE))
    return `${costs} Under every method an inner block changes the loss by less than ${percent2(NEGLIGIBLE_SHARE)}: no model here needs its inner blocks yet, which is what a model that has not learned past token frequencies looks like, so there is no contrast for RaPTr to show at this scale.${where}`;
  return `${costs} ${share('raptr') < share('full') ? 'RaPTr leaves its inner blocks more individually droppable than full training does' : 'RaPTr does not leave its inner blocks more droppable than full training does'} on this seed; one seed, so read the size of the gap with care.${where}`;
}

/** Whether the changes moved the train loss more than two windows where nothing changed did. */
function againstNoise(rows: readonly ForecastRow[]): string {
  const withTrend = rows.filter((r) => r.trend !== null);
  if (withTrend.length === 0) return '';
  const meanAbs = (xs: number[]) => mean(xs.map(Math.abs));
  const [jump, trend] = [meanAbs(withTrend.map((r) => r.realized)), meanAbs(withTrend.map((r) => r.trend!))];
  const gaps = rows.flatMap((r) => (r.gap !== null && r.stageLoss ? [Math.abs(r.gap / r.stageLoss)] : []));
  const largestGap = gaps.length > 0 ? Math.max(...gaps) : null;
  const noisy = jump <= 1.5 * trend;
  const verdict = noisy
    ? 'so no change moved the train loss by more than its own window-to-window noise does'
    : 'so the changes moved the train loss by more than its window-to-window noise does';
  const forecastSize =
    largestGap === null
      ? ''
      : `; the largest forecast was ${percent2(largestGap)} of the loss${noisy ? ', so the sign agreement says little about the forecast either way' : ''}`;
  return `The realized jumps average ${f3(jump)} nats in size against ${f3(trend)} for the trend between two windows where nothing changed, ${verdict}${forecastSize}.`;
}

/** Of the changes with a forecast: how many the forecast got the sign of, all and the large ones. */
function signAgreement(rows: readonly ForecastRow[]) {
  const forecast = rows.filter((r) => r.gap !== null && r.stageLoss !== null);
  const agrees = (r: ForecastRow) => Math.sign(r.gap!) === Math.sign(r.realized);
  const large = forecast.filter((r) => Math.abs(r.gap!) >= 0.1 * r.stageLoss!);
  return {
    total: forecast.length,
    agree: forecast.filter(agrees).length,
    large: large.length,
    largeAgree: large.filter(agrees).length,
  };
}

export const stability: Study = {
  name: 'stability',
  title: 'Stability on BERT-mini: droppable blocks, transition forecasts, adaptive stage lengths',
  takesSteps: true,
  plan: (options) => planStability(options).map((p) => p.run),
  async run(ctx) {
    const plan = planStability(ctx);
    const steps = stepsFor(ctx);
    ctx.log(`training ${plan.length} runs of BERT-mini (${steps} steps each)`);
    const ids = await ctx.train(plan.map((p) => p.run));
    const runs = plan.map((p, i) => ({ ...p, id: ids[i]! }));
    const seeds = Math.max(...runs.map((r) => r.seed)) + 1;
    const of = (method: MethodId, seed = 0) => runs.find((r) => r.method === method && r.seed === seed)!;

    // 1. Droppable blocks: the last evaluation's drop losses, by method.
    const heatmapOf = [of('full'), of('raptr'), of('pld')];
    const finals = heatmapOf.map((r) => ({ r, final: finalDrops(ctx.db, r.id) }));
    const blocks = Math.max(0, ...finals.map((f) => f.final?.drops.length ?? 0));
    const dropRows = finals.map(({ r, final }) => [
      LABELS[r.method],
      f3(final?.fullLoss),
      ...Array.from({ length: blocks }, (_, i) => signed(final?.drops[i] ?? null)),
      final ? formatPercent(innerDropShare(final)) : '-',
    ]);
    const charts = await ctx.charts();
    const shots: string[] = [];
    for (const { r } of finals) {
      const file = `drops-${r.method}.png`;
      await charts.shoot({
        hash: `#/run/${r.id}`,
        testId: 'stability-heatmap',
        file: `${ctx.outDir}/${ctx.chartPath(file)}`,
      });
      shots.push(image(`${LABELS[r.method]}: drop loss by block over training`, ctx.chartPath(file)));
    }

    // 2. Forecast against realized, at every change of every RaPTr run.
    const raptrRuns = runs.filter((r) => r.method === 'raptr' || r.method === 'raptr-adaptive');
    const changes = raptrRuns.flatMap((r) => forecastRows(ctx.db, r.id).map((row) => ({ r, row })));
    const agreement = signAgreement(changes.map((c) => c.row));
    const forecastTable = changes.map(({ r, row }) => [
      `${LABELS[r.method]}, seed ${r.seed}`,
      `${row.fromStage + 1} → ${row.toStage + 1}`,
      row.step,
      signed(row.gap),
      row.gap !== null && row.stageLoss ? formatPercent(row.gap / row.stageLoss) : '-',
      signed(row.realized),
      signed(row.trend),
    ]);
    await charts.shoot({
      hash: `#/run/${of('raptr').id}`,
      testId: 'transition-table',
      file: `${ctx.outDir}/${ctx.chartPath('transitions-raptr.png')}`,
    });

    // 3. Adaptive against equal stages, at equal FLOPs, seed by seed.
    const comparisons = Array.from({ length: seeds }, (_, seed) => {
      const [equal, adaptive] = [of('raptr', seed), of('raptr-adaptive', seed)];
      const totals = [equal, adaptive].map((r) => latestStep(ctx.db, r.id)?.flops ?? Number.NaN);
      const atFlops = Math.min(...totals);
      const lossOf = (id: string) => lossAtFlops(evalAgainstFlops(ctx.db, id, MLM_KEYS.loss), atFlops);
      const [equalLoss, adaptiveLoss] = [lossOf(equal.id), lossOf(adaptive.id)];
      const ends = getRunDetail(ctx.db, adaptive.id)
        .plannedStages.map((s) => s.endStep)
        .join(', ');
      return { seed, totals, atFlops, equalLoss, adaptiveLoss, ends };
    });
    const differences = comparisons.flatMap((c) =>
      c.equalLoss !== null && c.adaptiveLoss !== null ? [c.adaptiveLoss - c.equalLoss] : [],
    );
    const equalLosses = comparisons.flatMap((c) => (c.equalLoss === null ? [] : [c.equalLoss]));
    const spread = equalLosses.length > 1 ? Math.max(...equalLosses) - Math.min(...equalLosses) : null;
    const meanDifference = differences.length > 0 ? mean(differences) : null;
    // The loss of predicting every target from training token counts alone, on the same held-out targets.
    const unigram = evalSeries(ctx.db, of('raptr').id)[MLM_KEYS.unigramLoss]?.at(-1)?.value ?? null;
    const compared = comparisons.flatMap((c) => [c.equalLoss, c.adaptiveLoss]).filter((l) => l !== null);
    const aboveUnigram = unigram !== null && compared.length > 0 && compared.every((l) => l > unigram);
    const unigramNote =
      unigram === null
        ? ''
        : aboveUnigram
          ? ` Every one of these losses is above the unigram line of these held-out targets (${f3(unigram)}, the loss of predicting from training token counts alone): no run had learned more than token frequencies at these FLOPs, so the comparison is of how fast each approaches that line, not of what it learned.`
          : ` The unigram line of these held-out targets (the loss of predicting from training token counts alone) is ${f3(unigram)}.`;
    const equalEnds = getRunDetail(ctx.db, of('raptr').id)
      .plannedStages.map((s) => s.endStep)
      .join(', ');

    const verdict =
      meanDifference === null
        ? 'no comparison could be made (a run has no evaluation at the shared FLOPs).'
        : spread === null
          ? `one seed, so there is no yardstick: the difference of ${signed(meanDifference)} is not evidence either way (\`--seeds 2\` or more).`
          : Math.abs(meanDifference) < spread
            ? `the mean difference, ${signed(meanDifference)} nats, is smaller than the seed-to-seed spread of the equal schedule (${f3(spread)}): at this scale the adaptive rule is **not distinguishable** from equal stages.`
            : `the mean difference, ${signed(meanDifference)} nats, is larger than the seed-to-seed spread of the equal schedule (${f3(spread)}): adaptive stages were **${meanDifference < 0 ? 'better' : 'worse'}** at equal FLOPs on these seeds.`;

    return `
${banner(ctx, steps)}Every run: BERT-mini on the built-in State of the Union corpus (the \`bert-mini-*\` presets), batch 16, ${steps}
steps, an evaluation every ${evalEveryFor(ctx)} steps and at every stage end, the wasm backend on
this machine's CPU, two runs at a time. At every evaluation the stability monitor (\`training.stability\`, on by
default) scores 2 fixed held-out batches with the training loss: the full model, the model with each block
bypassed (the policy's scaling with L-1 blocks), and for RaPTr and PLD 4 fixed masks from this stage's
distribution and the same 4 streams from the next stage's. Full training and PLD on seed 0; RaPTr with equal
and with adaptive stages on ${seeds} seed${seeds > 1 ? 's' : ''} (\`--seeds N\`).

## Which blocks can be dropped?

The drop loss at the last evaluation (held-out loss with the block bypassed minus the full model's, nats);
the last column is the mean over the inner blocks (all but the first and last) as a share of the full loss.

${table(
  ['method', 'full loss', ...Array.from({ length: blocks }, (_, i) => `block ${i}`), 'inner mean / loss'],
  dropRows,
  ['l', 'r', ...Array.from({ length: blocks + 1 }, () => 'r' as const)],
)}

${droppability(finals)}

${shots.join('\n\n')}

## Forecast against realized jump

At each change: the forecast gap (the next stage's expected held-out loss minus this stage's, measured at the
old stage's last evaluation, and as a share of this stage's), the realized jump (mean train loss over the
window after the change minus the window before it) and the trend (the same difference between the two
windows before the change, where nothing changed). The forecast is on held-out batches without the descent
that goes on during the windows, so it is a prediction of the sign and rough size, not of the number.

${table(['run', 'stage', 'at step', 'forecast', 'forecast / loss', 'realized', 'trend before'], forecastTable, ['l', 'l', 'r', 'r', 'r', 'r', 'r'])}

The forecast had the realized jump's sign at **${agreement.agree} of ${agreement.total}** changes, and at
**${agreement.largeAgree} of ${agreement.large}** of those it called large (at least 10% of the loss).
${againstNoise(changes.map((c) => c.row))}

${image('the transitions table of RaPTr (equal stages, seed 0): forecast beside the realized jump', ctx.chartPath('transitions-raptr.png'))}

## Adaptive against equal stages at equal FLOPs

Adaptive stages (\`policy.schedule.lengths: "adaptive"\`, the defaults: a stage ends at an evaluation once the
forecast gap is below 0 and the held-out loss improved by less than 1% over the last 2 evaluations, between half
and twice its equal share) keep the step budget but not the FLOPs, so each pair is compared at the FLOPs both
runs reached: each run's held-out MLM loss ([MASK] at every target) interpolated between its evaluations there.
The equal schedule's stages end at steps ${equalEnds}.

${table(
  [
    'seed',
    'adaptive stage ends',
    'FLOPs (equal / adaptive)',
    'at FLOPs',
    'equal loss',
    'adaptive loss',
    'adaptive - equal',
  ],
  comparisons.map((c) => [
    c.seed,
    c.ends,
    `${formatFlops(c.totals[0]!)} / ${formatFlops(c.totals[1]!)}`,
    formatFlops(c.atFlops),
    f3(c.equalLoss),
    f3(c.adaptiveLoss),
    c.equalLoss !== null && c.adaptiveLoss !== null ? signed(c.adaptiveLoss - c.equalLoss) : '-',
  ]),
  ['r', 'l', 'r', 'r', 'r', 'r', 'r'],
)}

Conclusion: ${verdict}${unigramNote}

## Cost and scale

The monitor's cost is measured by \`npm run bench:stability\` (the same short run with the monitor off and on).
Run this study at its own length with \`npm run repro -- stability\` (two seeds, ${planStability({ quick: false, seeds: 0 }).length} runs of ${DEFAULT_STEPS} steps; \`--seeds 3\` adds
two more per seed): the \`bert-mini\` study's six runs of this length took 112 minutes two at a time, and here
each run also makes twenty evaluations with the monitor, so expect two hours or more on two otherwise idle
cores. On a GPU box, scale the shapes as the
\`bert-mini\` study's report says.
`;
  },
};
