#!/usr/bin/env node
// Compiles the AssemblyScript kernels (src-main/trainer/kernels/assembly) into one SIMD wasm module.
// The module imports the TensorFlow.js wasm backend's memory, so it must carry no data segments (they
// would be written over tfjs's heap at instantiation); this script fails the build if one appears.
import asc from 'assemblyscript/asc';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outFile = join(root, 'dist', 'kernels', 'raptr-kernels.wasm');
const textFile = join(root, 'dist', 'kernels', 'raptr-kernels.wat');
mkdirSync(dirname(outFile), { recursive: true });

const { error, stderr } = await asc.main([
  join(root, 'src-main/trainer/kernels/assembly/index.ts'),
  '-O3',
  '--runtime',
  'stub',
  '--importMemory',
  '--initialMemory',
  '0',
  '--noAssert',
  '--use',
  'abort=',
  '--enable',
  'simd',
  '--outFile',
  outFile,
  '--textFile',
  textFile,
]);
if (error) {
  console.error(stderr.toString());
  console.error(`kernel build failed: ${error.message}`);
  process.exit(1);
}
if (/\(data\b/.test(readFileSync(textFile, 'utf8'))) {
  console.error(
    'kernel build: the module has a data segment, which would overwrite the tfjs heap. Remove static data.',
  );
  process.exit(1);
}
console.log(`kernels: ${outFile}`);
