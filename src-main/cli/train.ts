// `raptr train`: validates the config, records a new run in the database, trains it in a trainer process
// (through the run manager, like the desktop app), shows progress or JSON lines, and with --out keeps a
// copy of the results in a new folder, only when the run ends well.
// Exit codes: 0 done, 1 training failed, 2 bad input, 130 stopped with Ctrl-C.
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { validConfigFrom, type ConfigSource } from './config-input.js';
import { exitFor, followRun } from './follow-run.js';
import { OutputFolder } from './out-dir.js';
import { JsonView, TerminalView } from './run-views.js';
import { databasePathOf, openManager, withDbOption, type StoreFlags } from './store-access.js';

interface TrainFlags extends ConfigSource, StoreFlags {
  json?: boolean;
  out?: string;
  name?: string;
  tag?: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function registerTrain(program: Command): void {
  withDbOption(
    program
      .command('train')
      .description('train a model with RaPTr or one of its rivals (full, pld, stochastic-depth, stacking)')
      .option('--preset <name>', 'start from a preset (see `raptr presets`)')
      .option('--config <file>', 'a run config as JSON')
      .option(
        '--set <path=value>',
        'override one config field, e.g. training.steps=500 or steps=500 (repeatable)',
        collect,
        [],
      )
      .option('--name <name>', 'a name for the run')
      .option('--tag <tag>', 'tag the run (repeatable)', collect, [])
      .option('--json', 'print one JSON event per line on stdout, and nothing else')
      .option(
        '--out <dir>',
        'also keep config.json, events.jsonl, summary.json and model.safetensors in this new folder',
      ),
  ).action(async (flags: TrainFlags) => {
    process.exitCode = await trainCommand(flags);
  });
}

export async function trainCommand(flags: TrainFlags): Promise<number> {
  const config = validConfigFrom(flags);
  const out = flags.out ? new OutputFolder(flags.out, databasePathOf(flags)) : null;
  const { manager, path } = openManager(flags);
  const view = flags.json ? new JsonView() : new TerminalView(config);
  const messages: TrainerMessage[] = [];
  try {
    const run = manager.create({ config, preset: flags.preset ?? null, name: flags.name, tags: flags.tag });
    if (!flags.json) process.stderr.write(`run ${run.id} (${run.name}) recorded in ${path}\n`);
    const status = await followRun(manager, run.id, view, (message) => {
      if (message.type !== 'ready') messages.push(message);
    });
    const done = messages.find((m): m is Extract<TrainerMessage, { type: 'done' }> => m.type === 'done');
    if (out && done && (status === 'completed' || status === 'stopped')) {
      const start = messages.find((m) => m.type === 'start');
      out.writeJson('config.json', start?.type === 'start' ? start.config : config);
      for (const m of messages) out.event(m);
      out.writeJson('summary.json', { runId: run.id, ...view.summary(done) });
      await copyFile(join(manager.runDir(run.id), 'model.safetensors'), join(out.temp, 'model.safetensors'));
      await out.commit();
      if (!flags.json) process.stderr.write(`output: ${out.final}\n`);
    } else await out?.discard();
    return exitFor(manager, run.id, status);
  } catch (error) {
    await out?.discard();
    throw error;
  } finally {
    await manager.shutdown();
  }
}
