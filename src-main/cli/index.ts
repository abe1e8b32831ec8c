// The `raptr` command line. Exit codes: 0 ok, 1 a run failed, 2 bad input (one line per problem).
import { Command, CommanderError } from 'commander';
import { ConfigError, formatIssues } from '../../shared/config/validate.js';
import { boundErrorText, errorMessage } from '../../shared/error-text.js';
import { registerBench } from './bench.js';
import { EXIT, InputError } from './input-error.js';
import { registerPresets } from './presets.js';
import { registerTrain } from './train.js';
import { registerRepro } from './repro.js';
import { registerRuns } from './runs.js';
import { registerCompare } from './compare.js';
import { registerControl } from './control.js';
import { registerExport } from './export.js';
import { registerImport } from './import.js';
import { registerServe } from './serve.js';
import { APP_VERSION } from '../version.js';

const program = new Command('raptr')
  .description('RaPTr Studio: pretrain transformers with progressive subnetworks, keep and compare every run')
  .version(APP_VERSION)
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

registerTrain(program);
registerRuns(program);
registerCompare(program);
registerControl(program);
registerExport(program);
registerImport(program);
registerPresets(program);
registerRepro(program);
registerBench(program);
registerServe(program);

// `raptr runs | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  } else if (error instanceof InputError || error instanceof ConfigError) {
    const lines =
      error instanceof InputError ? error.lines : new InputError(formatIssues(error.issues)).lines;
    for (const line of lines) process.stderr.write(`${line}\n`);
    process.exitCode = EXIT.badInput;
  } else {
    const message = errorMessage(error);
    process.stderr.write(`raptr: ${boundErrorText(message)}\n`);
    process.exitCode = EXIT.failure;
  }
}
