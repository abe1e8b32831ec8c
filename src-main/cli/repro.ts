// `raptr repro STUDY`: reproduce the paper's claims at small scale with the app's own runs and charts.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { STUDIES, runStudy } from '../repro/index.js';
import { defaultDatabasePath } from '../paths.js';
import { InputError } from './input-error.js';
import { withDbOption, type StoreFlags } from './store-access.js';

export function registerRepro(program: Command): void {
  withDbOption(
    program
      .command('repro [study]')
      .description(`reproduce the paper's claims at small scale: ${STUDIES.map((s) => s.name).join(', ')}`)
      .option('--out <dir>', 'where the report and its charts go', 'docs/results')
      .option('--quick', 'a short smoke run of the whole study (not a result)')
      .option('--seeds <n>', 'seeds per setting, where the study uses several')
      .option('--steps <n>', "steps per run, where the study allows it (stability); default: the study's own")
      .option(
        '--eval-every <n>',
        "steps between evaluations, where --steps is allowed; default: the study's own",
      )
      .option(
        '--reuse',
        "reuse the study's completed runs of the same name and config, and resume its stopped or interrupted ones, instead of training again",
      )
      .option('--json', 'print the report path as JSON'),
  ).action(
    async (
      name: string | undefined,
      flags: StoreFlags & {
        out: string;
        quick?: boolean;
        seeds?: string;
        steps?: string;
        evalEvery?: string;
        reuse?: boolean;
        json?: boolean;
      },
    ) => {
      const study = STUDIES.find((s) => s.name === name);
      if (!study)
        throw new InputError([`name a study: ${STUDIES.map((s) => `${s.name} (${s.title})`).join('; ')}`]);
      const seeds = flags.seeds === undefined ? 0 : Number(flags.seeds);
      if (!Number.isInteger(seeds) || seeds < 0)
        throw new InputError([`--seeds: expected a whole number, got "${flags.seeds}"`]);
      const length = { steps: flags.steps, 'eval-every': flags.evalEvery };
      const given = Object.entries(length).filter(([, text]) => text !== undefined);
      if (given.length > 0 && !study.takesSteps)
        throw new InputError([
          `--${given[0]![0]}: the ${study.name} study has fixed run lengths (its report depends on them); only ${STUDIES.filter(
            (s) => s.takesSteps,
          )
            .map((s) => s.name)
            .join(', ')} take --steps and --eval-every`,
        ]);
      const [steps, evalEvery] = Object.entries(length).map(([flag, text]) => {
        const n = text === undefined ? 0 : Number(text);
        if (text !== undefined && (!Number.isInteger(n) || n < 1))
          throw new InputError([`--${flag}: expected a whole number of at least 1, got "${text}"`]);
        return n;
      });
      const log = (message: string) => process.stderr.write(`${message}\n`);
      const path = await runStudy(study, {
        databasePath: flags.db ?? defaultDatabasePath(),
        outDir: resolve(flags.out),
        quick: flags.quick ?? false,
        seeds,
        steps,
        evalEvery,
        reuse: flags.reuse ?? false,
        log,
      });
      if (flags.json) process.stdout.write(`${JSON.stringify({ study: study.name, report: path })}\n`);
      else log(`report: ${path}`);
    },
  );
}
