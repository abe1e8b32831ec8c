// `raptr import FILE`: loads a run bundle (made by `raptr export --format bundle`) into this database, with
// its checkpoints copied into the run folders beside it. A damaged or tampered bundle is refused (exit 2)
// and nothing of it is kept.
import type { Command } from 'commander';
import { ExportError, importBundle } from '../checkpoints/export/index.js';
import { runsDirFor } from '../paths.js';
import { InputError } from './input-error.js';
import { asInputError, openStore, withDbOption, type StoreFlags } from './store-access.js';

export function registerImport(program: Command): void {
  withDbOption(
    program
      .command('import')
      .description('load a run bundle into the database (checkpoints included)')
      .argument('<file>', 'a .raptr-bundle file')
      .option('--json', 'print the result as one JSON object'),
  ).action(async (file: string, flags: StoreFlags & { json?: boolean }) => {
    const { db, path } = openStore(flags);
    try {
      const result = await importBundle(db, file, runsDirFor(path));
      if (flags.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
      const renamed = result.keptId ? '' : ' (its original id is taken here)';
      const steps = result.checkpoints.join(', ');
      process.stdout.write(
        `imported run "${result.name}" as ${result.runId}${renamed}: ${result.points} metric points, ` +
          `${result.events} events, checkpoints at step ${steps} in ${result.path}\n`,
      );
    } catch (error) {
      throw error instanceof ExportError ? new InputError([error.message]) : asInputError(error);
    } finally {
      db.close();
    }
  });
}
