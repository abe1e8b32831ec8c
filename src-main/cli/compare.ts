// `raptr compare ID ID... [--at-loss X]`: the FLOPs each run needed to reach an eval loss, and ratios.
import type { Command } from 'commander';
import { formatDuration, formatFlops, formatMetric } from '../../shared/format.js';
import { EVAL_MASKING_SHORT } from '../../shared/metrics.js';
import { compareRuns, type ComparedRun } from '../services/compare.js';
import { InputError } from './input-error.js';
import { asInputError, openStore, withDbOption, type StoreFlags } from './store-access.js';
import { renderTable } from './table.js';

const print = (text: string): void => void process.stdout.write(`${text}\n`);

export function registerCompare(program: Command): void {
  withDbOption(
    program
      .command('compare <ids...>')
      .description(
        "the FLOPs, wall time and steps each run needed to reach one eval loss; ratios are the first run's cost over each run's (above 1: cheaper)",
      )
      .option('--at-loss <x>', 'the eval loss to reach (default: the highest best loss among the runs)')
      .option(
        '--key <metric>',
        'the eval metric (default: the first run’s held-out loss); eval/mlm_loss_train_masking compares MLM runs recorded before and after [MASK]-at-every-target on the training masking',
      )
      .option('--json', 'print as JSON'),
  ).action((ids: string[], flags: StoreFlags & { atLoss?: string; key?: string; json?: boolean }) => {
    const atLoss = flags.atLoss === undefined ? undefined : Number(flags.atLoss);
    if (atLoss !== undefined && !Number.isFinite(atLoss))
      throw new InputError([`--at-loss: expected a number, got "${flags.atLoss}"`]);
    const { db } = openStore(flags);
    let result;
    try {
      result = compareRuns(db, { runIds: ids, atLoss, key: flags.key });
    } catch (error) {
      throw asInputError(error);
    }
    if (flags.json) return print(JSON.stringify(result, null, 2));
    print(
      result.target === null
        ? `not every run has ${result.key} yet; give --at-loss X`
        : `to reach ${result.key} ${formatMetric(result.target)} (${result.targetSource}):`,
    );
    const ratio = (r: number | null) => (r === null ? '-' : `${r.toFixed(2)}x`);
    // How each run measured the key, when that depends on its masking (eval/mlm_loss of old and new runs).
    const measured = result.runs.some((r) => r.evalMasking !== null)
      ? [
          {
            header: 'MEASURED',
            value: (r: ComparedRun) => (r.evalMasking ? EVAL_MASKING_SHORT[r.evalMasking] : '-'),
          },
        ]
      : [];
    print(
      renderTable<ComparedRun>(result.runs, [
        { header: 'ID', value: (r) => r.id },
        { header: 'NAME', value: (r) => r.name },
        ...measured,
        {
          header: 'FLOPS TO TARGET',
          value: (r) => (r.reach ? formatFlops(r.reach.flops) : 'not reached'),
          align: 'right',
        },
        { header: 'FLOPS RATIO', value: (r) => ratio(r.flopsRatio), align: 'right' },
        {
          header: 'WALL TO TARGET',
          value: (r) => (r.reach ? formatDuration(r.reach.wallMs) : '-'),
          align: 'right',
        },
        { header: 'WALL RATIO', value: (r) => ratio(r.wallRatio), align: 'right' },
        { header: 'STEP', value: (r) => (r.reach ? String(r.reach.step + 1) : '-'), align: 'right' },
        {
          header: 'BEST',
          value: (r) => (r.bestEvalLoss === null ? '-' : formatMetric(r.bestEvalLoss)),
          align: 'right',
        },
        { header: 'TOTAL FLOPS', value: (r) => formatFlops(r.totalFlops), align: 'right' },
      ]),
    );
    if (result.maskingNote) print(`note: ${result.maskingNote}`);
    const first = result.runs[0]!;
    for (const r of result.runs.slice(1)) {
      if (r.flopsRatio === null) continue;
      const relation =
        r.flopsRatio >= 1 ? `${r.flopsRatio.toFixed(2)}x fewer` : `${(1 / r.flopsRatio).toFixed(2)}x more`;
      print(`${r.name}: ${relation} FLOPs than ${first.name} to reach ${formatMetric(result.target!)}`);
    }
    if (result.differences.length > 0) {
      print('\nconfig differences');
      for (const d of result.differences)
        print(`  ${d.path}: ${d.values.map((v) => JSON.stringify(v) ?? '-').join(' | ')}`);
    }
  });
}
