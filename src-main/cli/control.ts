// `raptr resume ID`, `raptr stop ID`, `raptr rm ID`.
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { RunConfig } from '../../shared/config/schema.js';
import type { BackendRequest } from '../trainer/backend/select-backend.js';
import { getRun, mustGetRun } from '../store/index.js';
import { exitFor, followRun } from './follow-run.js';
import { backendFlag } from './backend-flag.js';
import { InputError } from './input-error.js';
import { JsonView, TerminalView } from './run-views.js';
import { asInputError, openManager, withDbOption, type StoreFlags } from './store-access.js';

const print = (text: string): void => void process.stdout.write(`${text}\n`);

export function registerControl(program: Command): void {
  withDbOption(
    program
      .command('resume <id>')
      .description('continue a stopped, interrupted or failed run from its last checkpoint')
      .option(
        '--backend <name>',
        'train on this backend from now on, e.g. after its GPU failed (auto | tensorflow | webgpu | wasm | cpu)',
        backendFlag,
      )
      .option('--json', 'JSON lines on stdout'),
  ).action(async (id: string, flags: StoreFlags & { json?: boolean; backend?: BackendRequest }) => {
    const { manager } = openManager(flags);
    try {
      const run = guard(() => mustGetRun(manager.db, id));
      const { fromStep } = guard(() => manager.resume(id, 0, { backend: flags.backend }));
      if (!flags.json)
        process.stderr.write(
          `resuming ${run.name} (${id}) from step ${fromStep} (or the newest checkpoint before it that ` +
            'verifies)\n',
        );
      const view = flags.json ? new JsonView() : new TerminalView(run.config as unknown as RunConfig);
      process.exitCode = exitFor(manager, id, await followRun(manager, id, view));
    } finally {
      await manager.shutdown();
    }
  });

  withDbOption(
    program
      .command('stop <id>')
      .description('stop a run (it writes a checkpoint first), wherever it is training')
      .option('--json', 'print the result as JSON'),
  ).action(async (id: string, flags: StoreFlags & { json?: boolean }) => {
    const { manager } = openManager(flags);
    try {
      guard(() => mustGetRun(manager.db, id));
      const status = manager.stop(id);
      // Another process owns it: wait (briefly) until that process reports the stop.
      const deadline = Date.now() + 30_000;
      while (['running', 'stopping'].includes(getRun(manager.db, id)!.status) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
      const final = getRun(manager.db, id)!.status;
      if (flags.json) print(JSON.stringify({ id, requested: status, status: final }));
      else print(`${id}: ${final}`);
    } finally {
      await manager.shutdown();
    }
  });

  withDbOption(
    program
      .command('rm <id>')
      .description('delete a run, its metrics and its checkpoints')
      .option('-y, --yes', 'do not ask for confirmation')
      .option('--json', 'print the result as JSON'),
  ).action(async (id: string, flags: StoreFlags & { yes?: boolean; json?: boolean }) => {
    const { manager } = openManager(flags);
    try {
      const run = guard(() => mustGetRun(manager.db, id));
      if (!flags.yes) {
        if (!process.stdin.isTTY) throw new InputError([`rm ${id}: add --yes to delete without a prompt`]);
        const prompt = createInterface({ input: process.stdin, output: process.stderr });
        const answer = await prompt.question(
          `Delete run "${run.name}" (${id}) with its metrics and checkpoints? [y/N] `,
        );
        prompt.close();
        if (!/^y(es)?$/i.test(answer.trim())) return print('kept');
      }
      const deleted = await guard(() => manager.delete(id));
      if (flags.json) print(JSON.stringify({ id, deleted }));
      else print(`deleted ${id}`);
    } finally {
      await manager.shutdown();
    }
  });
}

/** Runs f, turning store and manager refusals (unknown run, wrong status, owned elsewhere) into input errors. */
function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    const mapped = asInputError(error);
    if (mapped !== error) throw mapped;
    throw new InputError([(error as Error).message]);
  }
}
