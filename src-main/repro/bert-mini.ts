// Study `bert-mini`: full training vs RaPTr 6-8-10-12 (with and without scaling) vs PLD vs gradual
// stacking 6-9-12 on the built-in corpus, same steps and batch, plus full training stopped when it has
// spent RaPTr's FLOPs (at small scale the honest comparison).
import { findPreset } from '../../shared/config/presets.js';
import type { RunConfigInput } from '../../shared/config/schema.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { expectedRelativeFlops } from '../../shared/flops.js';
import { formatDuration, formatFlops, formatPercent } from '../../shared/format.js';
import { MLM_KEYS } from '../../shared/metrics.js';
import { compareRuns } from '../services/compare.js';
import { evalSeries, latestStep } from '../store/index.js';
import { beyondFrequencies } from './beyond-frequencies.js';
import { comparisonCaveat, span } from './frequency-findings.js';
import { decimal3 as f3, image, mean, percentCell as pct, table } from './markdown.js';
import { matchedPldGamma } from './polynomial.js';
import type { PlanOptions, Study, StudyContext } from './study.js';

const PROBES = ['era', 'sentiment', 'party'] as const;

interface Method {
  id: string;
  label: string;
  config(steps: number, seed: number): RunConfigInput;
}

const preset = (name: string) => findPreset(name)!.config;

function withSteps(config: RunConfigInput, steps: number, seed: number): RunConfigInput {
  const task = config.task as Record<string, unknown>;
  return {
    ...config,
    // Probes are costly (a few hundred texts through the model): the study reads them at the end only.
    task: { ...task, probes: { when: 'final' } } as RunConfigInput['task'],
    // Twenty evaluations a run: often enough to place where each method first beats the unigram line.
    training: { ...config.training, steps, seed, evalEvery: Math.max(10, Math.round(steps / 20)) },
  };
}

const raptrFlopsRatio = (steps: number) =>
  expectedRelativeFlops(mustParseRunConfig(withSteps(preset('bert-mini-raptr'), steps, 0)), {
    blocksOnly: false,
  });

const METHODS: Method[] = [
  { id: 'full', label: 'full', config: (n, s) => withSteps(preset('bert-mini-full'), n, s) },
  {
    id: 'raptr',
    label: 'RaPTr 6-8-10-12 (sqrt)',
    config: (n, s) => withSteps(preset('bert-mini-raptr'), n, s),
  },
  {
    id: 'raptr-noscale',
    label: 'RaPTr 6-8-10-12 (no scaling)',
    config: (n, s) => {
      const c = withSteps(preset('bert-mini-raptr'), n, s);
      return {
        ...c,
        policy: { ...(c.policy as Record<string, unknown>), scale: 'none' } as RunConfigInput['policy'],
      };
    },
  },
  {
    id: 'pld',
    label: 'PLD (matched FLOPs)',
    config: (n, s) => ({
      ...withSteps(preset('bert-mini-pld'), n, s),
      policy: { kind: 'pld', thetaBar: 0.5, gamma: matchedPldGamma(12, n, 9) },
    }),
  },
  {
    id: 'stacking',
    label: 'stacking 6-9-12',
    config: (n, s) => withSteps(preset('bert-mini-stacking'), n, s),
  },
  {
    id: 'full-equal-flops',
    label: "full, stopped at RaPTr's FLOPs",
    config: (n, s) => withSteps(preset('bert-mini-full'), Math.round(n / raptrFlopsRatio(n)), s),
  },
];

function finalEvals(ctx: StudyContext, id: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, points] of Object.entries(evalSeries(ctx.db, id)))
    out[key] = points.at(-1)?.value ?? Number.NaN;
  return out;
}

const stepsFor = (quick: boolean) => (quick ? 150 : 1500);

function planBertMini({ quick, seeds }: PlanOptions) {
  return METHODS.flatMap((m) =>
    Array.from({ length: seeds || 1 }, (_, seed) => {
      const name = `bert-mini ${m.id} seed ${seed}`;
      return { m, seed, run: { name, config: { ...m.config(stepsFor(quick), seed), name } } };
    }),
  );
}

export const bertMini: Study = {
  name: 'bert-mini',
  title: 'BERT-mini on the State of the Union corpus: RaPTr against its rivals',
  plan: (options) => planBertMini(options).map((p) => p.run),
  async run(ctx) {
    const steps = stepsFor(ctx.quick);
    const plan = planBertMini(ctx);
    const seeds = plan.length / METHODS.length;
    ctx.log(`training ${plan.length} runs of BERT-mini (${steps} steps; the equal-FLOPs baseline fewer)`);
    const ids = await ctx.train(plan.map((p) => p.run));
    const results = plan.map((p, i) => {
      const id = ids[i]!;
      const last = latestStep(ctx.db, id)!;
      return {
        ...p,
        id,
        steps: last.step + 1,
        flops: last.flops,
        wallMs: last.wallMs,
        evals: finalEvals(ctx, id),
      };
    });
    type Result = (typeof results)[number];
    const runOf = (id: string, seed: number) => results.find((r) => r.m.id === id && r.seed === seed)!;
    const seedList = Array.from({ length: seeds }, (_, seed) => seed);
    const seed0 = results.filter((r) => r.seed === 0);
    const of = (id: string) => runOf(id, 0);
    const full = of('full');
    const raptr = of('raptr');
    const loss = (r: Result) => r.evals[MLM_KEYS.loss] ?? Number.NaN;
    const label = (r: Result) => `${r.m.label}${seeds > 1 ? ` (seed ${r.seed})` : ''}`;
    const rows = results.map((r) => {
      const fullOfSeed = runOf('full', r.seed);
      return [
        label(r),
        r.steps,
        formatFlops(r.flops),
        `${(fullOfSeed.flops / r.flops).toFixed(2)}x`,
        `${formatDuration(r.wallMs)} (${(r.wallMs / fullOfSeed.wallMs).toFixed(2)})`,
        f3(loss(r)),
        pct(r.evals[MLM_KEYS.acc]),
        ...PROBES.map((p) => pct(r.evals[`eval/${p}_probe_acc`])),
      ];
    });
    const baselines = [
      'baselines: unigram loss; most frequent token; majority / bag of words',
      '',
      '',
      '',
      '',
      f3(full.evals[MLM_KEYS.unigramLoss]),
      pct(full.evals[MLM_KEYS.mostFrequentAcc]),
      ...PROBES.map(
        (p) => `${pct(full.evals[`eval/${p}_probe_baseline`])} / ${pct(full.evals[`eval/${p}_probe_bow`])}`,
      ),
    ];
    // Across seeds: each method's mean final loss and its range (the spread a difference must beat).
    const byMethod = METHODS.map((method) => {
      const runs = results.filter((r) => r.m.id === method.id);
      const losses = runs.map(loss);
      return {
        method,
        loss: mean(losses),
        range: Math.max(...losses) - Math.min(...losses),
        acc: mean(runs.map((r) => r.evals[MLM_KEYS.acc] ?? Number.NaN)),
        probes: PROBES.map((p) => mean(runs.map((r) => r.evals[`eval/${p}_probe_acc`] ?? Number.NaN))),
      };
    });
    const meanLoss = (id: string) => byMethod.find((b) => b.method.id === id)!.loss;
    const spread = Math.max(...byMethod.map((b) => b.range));
    // Per seed: the FLOPs full training needed to reach that seed's RaPTr final loss.
    const reaches = seedList.map((seed) => {
      const [f, r] = [runOf('full', seed), runOf('raptr', seed)];
      const reach = compareRuns(ctx.db, { runIds: [f.id, r.id], atLoss: loss(r), key: MLM_KEYS.loss })
        .runs[0]!.reach;
      return reach
        ? `${seeds > 1 ? `seed ${seed}: ` : ''}full training reached RaPTr's ${f3(loss(r))} after about ${formatFlops(reach.flops)} (interpolated between its evaluations; the first at or below it was at step ${reach.step + 1}), so RaPTr needed **${(reach.flops / r.flops).toFixed(2)}x ${reach.flops >= r.flops ? 'fewer' : 'more'} FLOPs** to get there`
        : `${seeds > 1 ? `seed ${seed}: ` : ''}full training never reached RaPTr's ${f3(loss(r))} in its ${f.steps} steps (it ended at ${f3(loss(f))}), so RaPTr got there with **at least ${(f.flops / r.flops).toFixed(2)}x fewer FLOPs**`;
    });
    const target = loss(raptr);
    const equalSteps = of('full-equal-flops').steps;
    const ranked = [...byMethod].sort((a, b) => a.loss - b.loss);
    const caveat = comparisonCaveat(results.map((r) => ({ ...r, label: label(r), method: r.m.id })));
    // Each seed holds out its own speeches, so its line sits a little apart from another seed's.
    const unigramLines = span(
      results.filter((r) => r.m.id === 'full').map((r) => r.evals[MLM_KEYS.unigramLoss] ?? Number.NaN),
      f3,
    );

    const charts = await ctx.charts();
    const allIds = seed0.map((r) => r.id).join(',');
    await charts.shoot({
      hash: `#/compare?ids=${allIds}&x=flops&at=${target}`,
      testId: 'compare-eval',
      file: `${ctx.outDir}/${ctx.chartPath('eval-vs-flops.png')}`,
    });
    await charts.shoot({
      hash: `#/compare?ids=${allIds}&x=flops&at=${target}&smooth=0.95`,
      testId: 'compare-train',
      file: `${ctx.outDir}/${ctx.chartPath('train-vs-flops.png')}`,
    });
    await charts.shoot({
      hash: `#/compare?ids=${allIds}&x=wall&at=${target}`,
      testId: 'compare-eval',
      file: `${ctx.outDir}/${ctx.chartPath('eval-vs-wall.png')}`,
    });
    for (const group of ['mlm-loss', 'mlm-acc', 'mlm-top-share'])
      await charts.shoot({
        hash: `#/run/${full.id}`,
        testId: `eval-chart-${group}`,
        file: `${ctx.outDir}/${ctx.chartPath(`full-${group}.png`)}`,
      });
    const frequencies = beyondFrequencies(
      ctx.db,
      results.map((r) => ({
        id: r.id,
        label: label(r),
        method: r.m.id,
        seed: r.seed,
        steps: r.steps,
        flops: r.flops,
        evals: r.evals,
      })),
      METHODS.map((m) => m.id),
      'full',
    );

    const c = mustParseRunConfig(raptr.run.config);
    const task = c.task.kind === 'mlm' ? c.task : undefined;
    const m = c.model;
    return `
Every run: the built-in State of the Union corpus (${task?.tokenizer.vocabSize.toLocaleString('en-US') ?? '?'}-token WordPiece vocabulary,
${formatPercent(task?.heldOutFraction ?? Number.NaN)} of speeches held out), BERT-mini (L=${m.layers}, d=${m.dModel}, ${m.heads} heads,
ff ${m.ffDim}, seq ${m.seqLen}, ${m.norm}-LN), batch ${c.training.batchSize}, ${steps} steps, AdamW lr ${c.optimizer.lr} with
${c.optimizer.warmupSteps} warmup steps and ${c.optimizer.decay} decay (one schedule over the whole run; stacking re-warms every stage),
the wasm backend on this machine's CPU, two runs at a time. Evaluations run on the full model every
${c.training.evalEvery} steps, on fixed held-out targets (${formatPercent(task?.maskProb ?? Number.NaN)} of the held-out tokens, the same at every evaluation):
the held-out MLM loss and masked-token accuracy with [MASK] at every target, so no answer shows in the input
(\`eval/mlm_loss\`, \`eval/mlm_acc\`); the loss on the same targets as the training masking leaves them (80% [MASK],
10% a random token, 10% unchanged: \`eval/mlm_loss_train_masking\`, the held-out loss of earlier versions of this
report, which a model lowers by copying the unchanged tenth); and, on exactly those targets, two baselines from
training counts: the unigram loss and the accuracy of always guessing the most frequent token. At the end, linear
probes on frozen mean-pooled features (SOTU era, sentence sentiment, SOTU party), each with its majority-class and
bag-of-words baselines. ${seeds} seed${seeds > 1 ? 's' : ''} (\`--seeds N\`; one by default): each seed adds six runs, about 45 minutes on two
otherwise idle cores.

## At the end

${table(
  [
    'method',
    'steps',
    'FLOPs',
    'fewer FLOPs than full',
    'wall time (vs full)',
    'held-out MLM loss ([MASK] at every target)',
    'masked-token acc',
    ...PROBES.map((p) => `${p} probe`),
  ],
  [...rows, baselines],
  ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
)}

${
  seeds > 1
    ? `### Mean over ${seeds} seeds

${table(
  ['method', 'held-out MLM loss (range over seeds)', 'masked-token acc', ...PROBES.map((p) => `${p} probe`)],
  byMethod.map((b) => [
    b.method.label,
    `${f3(b.loss)} (${f3(b.range)})`,
    pct(b.acc),
    ...b.probes.map((x) => pct(x)),
  ]),
  ['l', 'r', 'r', 'r', 'r', 'r'],
)}

`
    : ''
}${caveat ? `- ${caveat}\n` : ''}- FLOPs to reach RaPTr's final held-out MLM loss: ${reaches.join('; ')}.
- At equal FLOPs, full training (its own run of ${equalSteps} steps, so its learning rate decays fully) ends at
  ${f3(meanLoss('full-equal-flops'))} against RaPTr's ${f3(meanLoss('raptr'))}${seeds > 1 ? ' (means over seeds)' : ''}.
- Ranked by final held-out MLM loss${seeds > 1 ? ' (mean over seeds)' : ''}, against a unigram line of ${unigramLines}: ${ranked.map((b) => `${b.method.label} ${f3(b.loss)}`).join('; ')}.
- How much to read into it: ${
      seeds > 1
        ? `the same method's final loss moved by up to ${f3(spread)} nats from one seed to another, so differences between methods smaller than that are not evidence of an ordering.`
        : 'one seed, whose seed-to-seed spread this run does not measure (`--seeds 2` does), so a few hundredths of a nat between two methods is not evidence of an ordering.'
    } Each probe tests on at most ${task?.probes.maxTest ?? '?'} texts, so its accuracy carries a standard
  error of about ${formatPercent(Math.sqrt(0.25 / (task?.probes.maxTest ?? Number.NaN)))} (more where a probe has fewer test texts): differences of a few points between methods are noise.
  Against the baselines: ${PROBES.map((p) => {
    const acc = (r: Result) => r.evals[`eval/${p}_probe_acc`] ?? Number.NaN;
    const above = (line: string) =>
      results.filter((r) => acc(r) > (full.evals[`eval/${p}_probe_${line}`] ?? Number.NaN)).length;
    return `${p}: ${above('baseline')} of ${results.length} runs above the majority class, ${above('bow')} above bag of words`;
  }).join('; ')}.

${image('held-out MLM loss ([MASK] at every target) against training FLOPs, seed 0', ctx.chartPath('eval-vs-flops.png'))}

${image('train loss against training FLOPs, seed 0 (EMA 0.95 over the faint raw curves)', ctx.chartPath('train-vs-flops.png'))}

${image('held-out MLM loss ([MASK] at every target) against wall time, seed 0', ctx.chartPath('eval-vs-wall.png'))}

## Beyond word frequencies

Frequencies alone draw two lines on the held-out targets: a model that has learned nothing about context
predicts the unigram distribution (its loss sits on the unigram line) and guesses the most frequent token (its
accuracy sits on that guess, with one prediction at every target). How far below and above them each run got:

${frequencies}

${image('held-out MLM loss of full training, seed 0, beside the training-masking figure and the unigram line', ctx.chartPath('full-mlm-loss.png'))}

${image('masked-token accuracy of full training, seed 0, beside the most-frequent-token guess', ctx.chartPath('full-mlm-acc.png'))}

${image('share of held-out targets given the single most common prediction of full training, seed 0 (100%: one token everywhere)', ctx.chartPath('full-mlm-top-share.png'))}

## Scaling up

On a GPU box (\`raptr serve\` there, or the desktop app with tfjs-node-gpu), use BERT-base (d=768, 12 heads, ff
3072, seq 128) with the same schedules, 100k steps and batch 256; set the shapes in \`src-main/repro/bert-mini.ts\`
and run \`npm run repro -- bert-mini --seeds 3\`. At this scale the comparison is the paper's.
`;
  },
};
