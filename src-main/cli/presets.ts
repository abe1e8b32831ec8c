// `raptr presets`: one line per preset.
import type { Command } from 'commander';
import { PRESETS } from '../../shared/config/presets.js';

export function registerPresets(program: Command): void {
  program
    .command('presets')
    .description('list the ready-made run configs')
    .option('--json', 'print the presets with their configs as JSON')
    .action((flags: { json?: boolean }) => {
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(PRESETS, null, 2)}\n`);
        return;
      }
      const width = Math.max(...PRESETS.map((p) => p.name.length));
      for (const p of PRESETS) process.stdout.write(`${p.name.padEnd(width)}  ${p.description}\n`);
    });
}
