// `raptr runs` (a table of runs) and `raptr show ID` (config, per-stage table, evals, transitions).
import type { Command } from 'commander';
import { formatDuration, formatFlops, formatMetric, formatPercent } from '../../shared/format.js';
import { EVAL_MASKING_LABELS } from '../../shared/metrics.js';
import type { StabilityRow } from '../../shared/api-types.js';
import { getRunDetail } from '../services/run-detail.js';
import { listRunSummaries, type RunSummary } from '../services/run-summary.js';
import type { RunStatus } from '../store/index.js';
import { asInputError, openStore, reportOrphans, withDbOption, type StoreFlags } from './store-access.js';
import { renderTable } from './table.js';

const print = (text: string): void => void process.stdout.write(`${text}\n`);
const json = (value: unknown): void => print(JSON.stringify(value, null, 2));
const metric = (v: number | null | undefined) => (v === null || v === undefined ? '-' : formatMetric(v));
const signed = (v: number | null) => (v === null ? '-' : `${v > 0 ? '+' : ''}${formatMetric(v)}`);

/** The stability monitor's last evaluation: the drop loss of every block and the forecast. */
function stabilityText(row: StabilityRow): string {
  const lines = [
    `stability at step ${row.step + 1} (held-out loss ${metric(row.fullLoss)} with every block)`,
    `  drop loss by block: ${row.drops.map((d, i) => `${i}:${signed(d)}`).join(' ')}`,
  ];
  if (row.gap !== null)
    lines.push(
      `  next stage forecast: ${metric(row.stageLoss)} -> ${metric(row.nextLoss)} (${signed(row.gap)})`,
    );
  return lines.join('\n');
}

export function registerRuns(program: Command): void {
  withDbOption(
    program
      .command('runs')
      .description('list the runs in the database, newest first')
      .option('--status <status>', 'only runs with this status')
      .option('--tag <tag>', 'only runs with this tag')
      .option('--search <text>', 'runs whose name, notes or tags contain this text')
      .option('--all', 'include archived runs')
      .option('--json', 'print the runs as JSON'),
  ).action(
    (
      flags: StoreFlags & {
        status?: RunStatus;
        tag?: string;
        search?: string;
        all?: boolean;
        json?: boolean;
      },
    ) => {
      const { db } = openStore(flags);
      reportOrphans(db);
      let runs: RunSummary[];
      try {
        runs = listRunSummaries(db, {
          status: flags.status,
          tag: flags.tag,
          text: flags.search,
          archived: flags.all ? null : false,
        });
      } catch (error) {
        throw asInputError(error); // --status bogus, a --tag too long, ...
      }
      if (flags.json) return json(runs);
      if (runs.length === 0) return print('no runs yet: start one with `raptr train --preset quickstart`');
      print(
        renderTable<RunSummary>(runs, [
          { header: 'ID', value: (r) => r.id },
          { header: 'NAME', value: (r) => r.name },
          { header: 'STATUS', value: (r) => r.status },
          { header: 'POLICY', value: (r) => `${r.policy} ${r.policy === 'full' ? '' : r.schedule}`.trim() },
          { header: 'STEPS', value: (r) => `${r.stepsDone}/${r.stepsTotal}`, align: 'right' },
          {
            header: 'BEST EVAL',
            value: (r) => `${metric(r.bestEvalLoss)}${r.evalMasking === 'training-rule' ? '†' : ''}`,
            align: 'right',
          },
          { header: 'FLOPS', value: (r) => formatFlops(r.flops), align: 'right' },
          { header: 'SAVED', value: (r) => formatPercent(r.flopsSaved), align: 'right' },
          {
            header: 'CREATED',
            value: (r) => new Date(r.createdAt).toISOString().slice(0, 16).replace('T', ' '),
          },
          { header: 'TAGS', value: (r) => r.tags.join(',') },
        ]),
      );
      if (runs.some((r) => r.evalMasking === 'training-rule'))
        print(
          `† held-out MLM loss with the ${EVAL_MASKING_LABELS['training-rule']}, as recorded before [MASK] at every target`,
        );
    },
  );

  withDbOption(
    program
      .command('show <id>')
      .description(
        'one run: config, per-stage table, evals, transitions with their forecasts, stability, checkpoints',
      )
      .option('--json', 'print as JSON'),
  ).action((id: string, flags: StoreFlags & { json?: boolean }) => {
    const { db } = openStore(flags);
    reportOrphans(db);
    let detail;
    try {
      detail = getRunDetail(db, id);
    } catch (error) {
      throw asInputError(error);
    }
    if (flags.json) return json(detail);
    const { run, summary } = detail;
    print(`${run.name}  (${run.id})`);
    print(
      `status ${run.status} · ${summary.policy} ${summary.schedule} · ${summary.task} · step ${summary.stepsDone}/${summary.stepsTotal}` +
        ` · ${run.backend ?? 'no backend yet'}${run.device ? ` · ${run.device}` : ''}`,
    );
    print(
      `FLOPs ${formatFlops(summary.flops)} of ${formatFlops(summary.fullFlops)} for full training (${formatPercent(summary.flopsSaved)} saved;` +
        ` expected ${detail.expectedRelativeFlops.toFixed(2)}x fewer) · wall ${formatDuration(summary.wallMs)}`,
    );
    if (summary.evalMasking) print(`held-out MLM evaluation: ${EVAL_MASKING_LABELS[summary.evalMasking]}`);
    if (run.errorTail) print(`\nerror:\n${run.errorTail}`);
    print('\nstages');
    print(
      renderTable(detail.stages, [
        { header: 'STAGE', value: (s) => s.label ?? String(s.stage + 1) },
        { header: 'STEPS', value: (s) => `${s.firstStep}-${s.lastStep}`, align: 'right' },
        { header: 'P', value: (s) => metric(s.p), align: 'right' },
        { header: 'MEAN ACTIVE', value: (s) => metric(s.meanActive), align: 'right' },
        { header: 'FLOPS', value: (s) => formatFlops(s.flops), align: 'right' },
        { header: 'TRAIN LOSS AT END', value: (s) => metric(s.trainLossAtEnd), align: 'right' },
        {
          header: summary.evalKey.toUpperCase(),
          value: (s) => metric(s.evalAtEnd?.results[summary.evalKey]),
          align: 'right',
        },
      ]),
    );
    if (detail.transitions.length > 0) {
      print(
        '\ntransitions (train loss, window mean before -> after; the forecast jump measured before the change)',
      );
      for (const t of detail.transitions)
        print(
          `  stage ${t.fromStage + 1} -> ${t.toStage + 1} at step ${t.step}: ${metric(t.lossBefore)} -> ${metric(t.lossAfter)} ` +
            `(jump ${signed(t.lossAfter - t.lossBefore)}, window ${t.window})` +
            (t.forecast ? `; forecast ${signed(t.forecast.gap)} at step ${t.forecast.step + 1}` : ''),
        );
    }
    if (detail.stability) print(`\n${stabilityText(detail.stability)}`);
    print('\nlatest evals');
    for (const e of detail.latestEvals)
      print(`  ${e.name.padEnd(32)} ${metric(e.value)}  (step ${e.step + 1})`);
    print(
      `\ncheckpoints: ${detail.checkpoints.map((c) => `step ${c.step}${c.evalLoss === null ? '' : ` (${formatMetric(c.evalLoss)})`}`).join(', ') || 'none'}`,
    );
  });
}
