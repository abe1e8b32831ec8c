// Study `flops-accounting`: the relative FLOPs the app computes for the paper's schedules, beside the
// figures the paper reports, blocks only and with embedding and head; then the FLOPs actually spent by runs
// that sample masks, against the expectation.
import { checkConfig } from '../../shared/config/check.js';
import { findPreset } from '../../shared/config/presets.js';
import type { RunConfigInput } from '../../shared/config/schema.js';
import { forwardFlopsPerExample } from '../../shared/flops.js';
import { formatPercent } from '../../shared/format.js';
import { latestStep, recentMasks } from '../store/index.js';
import { image, meanSd, table } from './markdown.js';
import type { Study } from './study.js';

interface Schedule {
  name: string;
  paper: string;
  config: RunConfigInput;
  note: string;
}

const SCHEDULES: Schedule[] = [
  {
    name: 'BERT-base, 6-8-10-12, equal stages',
    paper: '1.33x',
    note: 'L=12, d=768, 12 heads, ff 3072, seq 128, vocab 30522 (BERT-base)',
    config: {
      task: { kind: 'mlm' },
      model: { layers: 12, dModel: 768, heads: 12, ffDim: 3072, seqLen: 128, vocabSize: 30522, norm: 'post' },
      policy: { kind: 'raptr', schedule: { label: '6-8-10-12', lengths: 'equal', fixed: [0, -1] } },
      training: { steps: 100_000 },
    },
  },
  {
    name: 'UL2, 12-16-20-24, proportional stages',
    paper: '1.2x',
    note: 'L=24, d=2048, 16 heads, ff 5120, seq 512, vocab 32128 (a 24-block encoder standing in for UL2 1.6B)',
    config: {
      task: { kind: 'mlm' },
      model: { layers: 24, dModel: 2048, heads: 16, ffDim: 5120, seqLen: 512, vocabSize: 32128 },
      policy: { kind: 'raptr', schedule: { label: '12-16-20-24', lengths: 'proportional', fixed: [0, -1] } },
      training: { steps: 100_000 },
    },
  },
  {
    name: 'BERT-mini, 6-8-10-12 (preset bert-mini-raptr)',
    paper: '-',
    note: 'L=12, d=128, 4 heads, ff 512, seq 64, vocab 8000',
    config: findPreset('bert-mini-raptr')!.config,
  },
  {
    name: 'Residual MLP, 4-6-8 (preset polynomial-raptr)',
    paper: '-',
    note: 'L=8, width 128, input 20 (the polynomial task)',
    config: findPreset('polynomial-raptr')!.config,
  },
];

const ratio = (x: number) => `${x.toFixed(3)}x`;

function expectedTable(): string {
  const rows = SCHEDULES.map((s) => {
    const check = checkConfig(s.config);
    if (!check.valid) throw new Error(`${s.name}: ${check.issues.map((i) => i.message).join('; ')}`);
    const stages = check.stages;
    const steps = stages.map((st) => st.endStep - st.startStep);
    return [
      s.name,
      stages.map((st) => st.p.toFixed(2)).join(', '),
      stages.map((st) => st.expectedActive).join(', '),
      steps.map((n) => (n / check.config.training.steps).toFixed(3)).join(', '),
      s.paper,
      ratio(check.expectedRelativeFlopsBlocksOnly),
      ratio(check.expectedRelativeFlops),
      formatPercent(1 - 1 / check.expectedRelativeFlops),
    ];
  });
  return table(
    [
      'schedule',
      'p_s',
      'E[active] per stage',
      'stage length (fraction)',
      'paper',
      'ours, blocks only',
      'ours, with embedding and head',
      'FLOPs saved (with head)',
    ],
    rows,
    ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'r'],
  );
}

/** Short runs that sample masks for real: same depth and schedule, a tiny width (the ratio depends on blocks). */
function realizedRuns(steps: number, seeds: number) {
  const base = (
    layers: number,
    label: string,
    lengths: 'equal' | 'proportional',
    sampler: 'bernoulli' | 'exact-k',
    seed: number,
  ) => ({
    name: `L=${layers} ${label} ${lengths} ${sampler} seed ${seed}`,
    label,
    sampler,
    layers,
    config: {
      name: `flops ${label} ${sampler} seed ${seed}`,
      task: {
        kind: 'polynomial',
        inputDim: 10,
        terms: [{ support: [0] }, { support: [1, 2] }],
        evalSamples: 512,
      },
      model: { layers, dModel: 16, ffDim: 16 },
      policy: { kind: 'raptr', schedule: { label, lengths, fixed: [0, -1] }, sampler },
      training: { steps, batchSize: 32, seed, evalEvery: 0, backend: 'wasm' },
    } satisfies RunConfigInput,
  });
  const runs = [];
  for (let seed = 0; seed < seeds; seed++) {
    runs.push(
      base(12, '6-8-10-12', 'equal', 'bernoulli', seed),
      base(24, '12-16-20-24', 'proportional', 'bernoulli', seed),
    );
  }
  runs.push(
    base(12, '6-8-10-12', 'equal', 'exact-k', 0),
    base(24, '12-16-20-24', 'proportional', 'exact-k', 0),
  );
  return runs;
}

const stepsFor = (quick: boolean) => (quick ? 200 : 2000);

export const flopsAccounting: Study = {
  name: 'flops-accounting',
  title: "FLOPs accounting: the paper's relative FLOPs, computed by the app",
  plan: ({ quick, seeds }) =>
    realizedRuns(stepsFor(quick), Math.max(3, seeds)).map((r) => ({ name: r.name, config: r.config })),
  async run(ctx) {
    const steps = stepsFor(ctx.quick);
    const seeds = Math.max(3, ctx.seeds);
    const runs = realizedRuns(steps, seeds);
    ctx.log(`training ${runs.length} short runs that sample masks (${steps} steps each)`);
    const ids = await ctx.train(runs.map((r) => ({ name: r.name, config: r.config })));
    const realized = runs.map((r, i) => {
      const id = ids[i]!;
      const masks = recentMasks(ctx.db, id, steps);
      const active = masks.reduce((sum, m) => sum + [...m.mask].filter((c) => c === '1').length, 0);
      const last = latestStep(ctx.db, id)!;
      const check = checkConfig(r.config);
      const expected = check.valid ? check.expectedRelativeFlopsBlocksOnly : Number.NaN;
      return {
        ...r,
        id,
        blocksOnly: (r.layers * masks.length) / active,
        withHead: last.fullFlops / last.flops,
        expected,
      };
    });
    const groups = new Map<string, typeof realized>();
    for (const r of realized)
      groups.set(`${r.label} ${r.sampler}`, [...(groups.get(`${r.label} ${r.sampler}`) ?? []), r]);
    const realizedRows = [...groups.values()].map((g) => [
      `${g[0]!.label} (L=${g[0]!.layers}), ${g[0]!.sampler}`,
      g.length,
      ratio(g[0]!.expected),
      meanSd(
        g.map((r) => r.blocksOnly),
        (x) => x.toFixed(3),
      ),
      meanSd(
        g.map((r) => r.withHead),
        (x) => x.toFixed(3),
      ),
      g.map((r) => `\`${r.id}\``).join(' '),
    ]);

    const charts = await ctx.charts();
    const shots = [];
    for (const [i, s] of SCHEDULES.slice(0, 2).entries()) {
      const file = `${ctx.outDir}/${ctx.chartPath(`schedule-${i + 1}.png`)}`;
      await charts.shoot({
        hash: `#/new?config=${encodeURIComponent(JSON.stringify(s.config))}`,
        testId: 'schedule',
        file,
      });
      shots.push(
        image(
          `${s.name}: stages and predicted saving, as the new-run form shows them`,
          ctx.chartPath(`schedule-${i + 1}.png`),
        ),
      );
    }
    const flopsRun = realized.find((r) => r.layers === 12 && r.sampler === 'bernoulli')!;
    await charts.shoot({
      hash: `#/run/${flopsRun.id}`,
      testId: 'flops-chart',
      file: `${ctx.outDir}/${ctx.chartPath('realized-flops.png')}`,
    });

    return `
RAPTR.md: relative FLOPs = baseline FLOPs / method FLOPs at the same steps and tokens; ignoring embedding and
head, \`rel = L / sum_s (T_s / T) n_s\`. The app counts 2 FLOPs per multiply-add of every matrix product
(\`shared/flops.ts\`): a block is \`S (8d^2 + 4 d ff + 4 S d)\` per sequence, the MLM head \`2d^2 + 2dV\` per
predicted token (15% of positions), training is 3x forward. Stage fractions are those of a 100,000-step run.

## Expected, from the schedule

${expectedTable()}

${SCHEDULES.map((s) => `- ${s.name}: ${s.note}.`).join('\n')}

${paperAgreement()} With the embedding and head included the saving is smaller, since those run at every
step: for BERT-base they are ${formatPercent(headShare(SCHEDULES[0]!.config))} of a full step's FLOPs, so
${ratio(blocksOnly(SCHEDULES[0]!.config))} on the blocks becomes ${ratio(expectedWithHead(SCHEDULES[0]!.config))} overall.

${shots.join('\n\n')}

## Realized, from runs that sample masks

Each run draws its own masks (Bernoulli per free block, or exactly n_s - |I| blocks with \`exact-k\`) and the
app counts the FLOPs of the blocks that actually ran. Blocks only = L x steps / blocks run; with head = full
training's FLOPs / the run's FLOPs, from the run's own counters. ${steps} steps per run.

${table(['schedule, sampler', 'runs', 'expected (blocks)', 'realized, blocks only', 'realized, with embedding and head (these small runs)', 'run ids'], realizedRows, ['l', 'r', 'r', 'r', 'r', 'l'])}

${image('cumulative FLOPs of a 6-8-10-12 run against full training', ctx.chartPath('realized-flops.png'))}

${samplerNote(realized)}

## Scaling up

The expected figures are exact arithmetic on the schedule and shapes, the same on any machine. The realized
runs only sample masks, so tiny models serve; \`--seeds N\` runs more of them. On a GPU, a BERT-base RaPTr run
from the desktop app (or \`raptr train --preset bert-mini-raptr --set model.dModel=768 ...\`) shows the same
counters in its FLOPs chart and \`raptr show ID\`, against what full training would have spent.
`;
  },
};

/** The embedding and head's share of a full training step's FLOPs. */
function headShare(config: RunConfigInput): number {
  const check = checkConfig(config);
  if (!check.valid) return Number.NaN;
  const f = forwardFlopsPerExample(check.config);
  return (f.embedding + f.head) / (f.embedding + f.head + check.config.model.layers * f.block);
}

function blocksOnly(config: RunConfigInput): number {
  const check = checkConfig(config);
  return check.valid ? check.expectedRelativeFlopsBlocksOnly : Number.NaN;
}

/** Whether the app's blocks-only figures equal the paper's 1.33x and 1.2x (to the paper's two decimals). */
function paperAgreement(): string {
  const checks = SCHEDULES.filter((s) => s.paper !== '-').map((s) => {
    const ours = blocksOnly(s.config);
    const agrees = ours.toFixed(2) === Number(s.paper.replace('x', '')).toFixed(2);
    return `${s.name.split(',')[0]}: ${ratio(ours)} against the paper's ${s.paper}${agrees ? ' (agrees)' : ' (DISAGREES)'}`;
  });
  return `Blocks only, ${checks.join('; ')}.`;
}

function samplerNote(realized: Array<{ sampler: string; blocksOnly: number; expected: number }>): string {
  const worst = (sampler: string) =>
    Math.max(
      ...realized.filter((r) => r.sampler === sampler).map((r) => Math.abs(r.blocksOnly / r.expected - 1)),
    );
  return (
    `The largest gap between realized and expected (blocks only) is ${formatPercent(worst('bernoulli'), 2)} with the ` +
    `Bernoulli sampler, whose active count is random at every step, and ${formatPercent(worst('exact-k'), 2)} with ` +
    '`exact-k`, which runs the expected number of blocks at every step.'
  );
}

function expectedWithHead(config: RunConfigInput): number {
  const check = checkConfig(config);
  return check.valid ? check.expectedRelativeFlops : Number.NaN;
}
