// `raptr export ID --format hf|safetensors|csv|json|bundle --out PATH`: a run's model or metrics in a form
// other tools read. Refusals (unknown run, no checkpoint, damaged checkpoint, existing output without
// --force, a polynomial run as hf, a damaged database) are one line on stderr and exit code 2.
import type { Command } from 'commander';
import { ExportError, exportRun, EXPORT_FORMATS, type ExportResult } from '../checkpoints/export/index.js';
import { InputError } from './input-error.js';
import { asInputError, openStore, withDbOption, type StoreFlags } from './store-access.js';

interface ExportFlags extends StoreFlags {
  format: string;
  out: string;
  checkpoint: string;
  force?: boolean;
  json?: boolean;
}

export function registerExport(program: Command): void {
  withDbOption(
    program
      .command('export')
      .description(
        'export a run: a Hugging Face folder, safetensors with a name map, metrics, or a run bundle',
      )
      .argument('<id>', 'the run id (see `raptr runs`)')
      .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
      .requiredOption(
        '--out <path>',
        'folder for hf, safetensors and csv (or a .csv file for the long CSV alone); file for json and bundle',
      )
      .option(
        '--checkpoint <which>',
        'latest | best | STEP: the checkpoint hf and safetensors export',
        'latest',
      )
      .option('--force', 'replace --out if it is an earlier export (never anything else)')
      .option('--json', 'print the result as one JSON object'),
  ).action(async (runId: string, flags: ExportFlags) => {
    const { db } = openStore(flags);
    let result: ExportResult;
    try {
      result = await exportRun(db, {
        runId,
        format: flags.format as ExportResult['format'],
        out: flags.out,
        checkpoint: flags.checkpoint,
        force: flags.force === true,
        origin: 'cli',
      });
    } catch (error) {
      throw error instanceof ExportError ? new InputError([error.message]) : asInputError(error);
    } finally {
      db.close();
    }
    if (flags.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
    process.stdout.write(`${describe(result)}\n`);
  });
}

function describe(r: ExportResult): string {
  const step = r.checkpoints
    .map((c) => `step ${c.step}${c.roles ? ` (${c.roles.join(', ')})` : ''}`)
    .join(' and ');
  switch (r.format) {
    case 'hf':
      return `exported run ${r.runId}, checkpoint ${step}, as ${r.architecture} to ${r.path}`;
    case 'safetensors':
      return `exported run ${r.runId}, checkpoint ${step}, as safetensors with a name map to ${r.path}`;
    case 'bundle':
      return `bundled run ${r.runId} with its checkpoint at ${step} into ${r.path}`;
    case 'csv':
    case 'json':
      return `exported ${r.points} metric points of run ${r.runId} to ${r.path}`;
  }
}
