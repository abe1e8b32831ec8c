// Builds the SIMD kernels once before the tests when the sources are newer than the built module.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  const wasm = join(root, 'dist/kernels/raptr-kernels.wasm');
  const sources = join(root, 'src-main/trainer/kernels/assembly');
  const newest = Math.max(...readdirSync(sources).map((f) => statSync(join(sources, f)).mtimeMs));
  if (!existsSync(wasm) || statSync(wasm).mtimeMs < newest)
    execFileSync(process.execPath, [join(root, 'scripts/build-kernels.mjs')], { stdio: 'inherit' });
}
