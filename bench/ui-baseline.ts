// BENCH_BASELINE=<git revision>: that revision's renderer, built into dist/bench-baseline/, so the UI
// benchmark measures it beside today's in the same run (the machine is shared: only ratios measured
// together mean anything). The server is today's; older renderers use a subset of its channels.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function buildBaselineRenderer(root: string, revision: string): string {
  const folder = join(root, 'dist', 'bench-baseline', revision.replace(/[^0-9A-Za-z_.-]/g, '_'));
  const out = join(folder, 'dist', 'renderer');
  if (existsSync(join(out, 'index.html'))) return out;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  // Only the two folders the renderer is built from; node_modules resolve from the repository above.
  const archive = execFileSync('git', ['-C', root, 'archive', revision, 'src-renderer', 'shared']);
  execFileSync('tar', ['-x', '-C', folder], { input: archive });
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'src-renderer/vite.config.ts',
    ],
    { cwd: folder, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return out;
}
