#!/usr/bin/env node
// Compiles the AssemblyScript kernels (src-main/trainer/kernels/assembly) into SIMD wasm modules, and derives
// from TensorFlow.js's SIMD binary a copy whose memory is shared, so worker threads can run the kernels on
// tfjs's heap (src-main/trainer/backend/wasm/shared-heap.ts).
//
// Four kernel builds, from one source: plain SIMD or relaxed SIMD (fused multiply-add where the runtime has
// it), each importing tfjs's memory as it is (private, one thread) or shared (threads). The modules import
// the TensorFlow.js wasm backend's memory, so they must carry no data segments (they would be written over
// tfjs's heap at instantiation); this script fails the build if one appears.
import asc from 'assemblyscript/asc';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'kernels');
mkdirSync(outDir, { recursive: true });

/** wasm pages (64 KiB) in 4 GiB: the largest memory tfjs's heap can grow to. */
const MAX_PAGES = 65536;
const VARIANTS = [
  { name: 'raptr-kernels', flags: [] },
  { name: 'raptr-kernels-relaxed', flags: ['--enable', 'relaxed-simd'] },
  {
    name: 'raptr-kernels-shared',
    flags: ['--sharedMemory', '--maximumMemory', `${MAX_PAGES}`, '--enable', 'threads'],
  },
  {
    name: 'raptr-kernels-shared-relaxed',
    flags: [
      '--sharedMemory',
      '--maximumMemory',
      `${MAX_PAGES}`,
      '--enable',
      'threads',
      '--enable',
      'relaxed-simd',
    ],
  },
];

for (const variant of VARIANTS) {
  const outFile = join(outDir, `${variant.name}.wasm`);
  const textFile = join(outDir, `${variant.name}.wat`);
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
    ...variant.flags,
    '--outFile',
    outFile,
    '--textFile',
    textFile,
  ]);
  if (error) {
    console.error(stderr.toString());
    console.error(`kernel build failed (${variant.name}): ${error.message}`);
    process.exit(1);
  }
  if (/\(data\b/.test(readFileSync(textFile, 'utf8'))) {
    console.error(
      'kernel build: the module has a data segment, which would overwrite the tfjs heap. Remove static data.',
    );
    process.exit(1);
  }
  console.log(`kernels: ${outFile}`);
}

// ---------------------------------------------------------------- tfjs's SIMD binary on shared memory

/** Reads an unsigned LEB128 number at `offset`; returns it and the offset after it. */
function readLeb(bytes, offset) {
  let value = 0,
    shift = 0,
    byte;
  do {
    byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return { value, next: offset };
}

/**
 * tfjs's SIMD build defines one memory with a maximum (flags 0x01). Flags 0x03 declare it shared, with the
 * same limits: the code is unchanged (it never uses atomics, and runs on one thread as before), but the
 * exported memory's buffer becomes a SharedArrayBuffer that worker threads can use.
 */
function shareMemory(binary) {
  const bytes = Uint8Array.from(binary);
  let offset = 8; // magic + version
  while (offset < bytes.length) {
    const id = bytes[offset];
    const { value: size, next } = readLeb(bytes, offset + 1);
    if (id === 5) {
      const { value: count, next: first } = readLeb(bytes, next);
      if (count !== 1 || bytes[first] !== 0x01)
        throw new Error(`expected one memory with a maximum, found ${count} (flags ${bytes[first]})`);
      const min = readLeb(bytes, first + 1);
      const max = readLeb(bytes, min.next);
      if (max.value > MAX_PAGES) throw new Error(`memory maximum ${max.value} pages is more than 4 GiB`);
      bytes[first] = 0x03;
      return bytes;
    }
    offset = next + size;
  }
  throw new Error('no memory section');
}

const require = createRequire(import.meta.url);
const tfjsWasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
const tfjsVersion = JSON.parse(readFileSync(join(tfjsWasm, '..', 'package.json'), 'utf8')).version;
const source = readFileSync(join(tfjsWasm, 'tfjs-backend-wasm-simd.wasm'));
const shared = shareMemory(source);
if (!WebAssembly.validate(shared)) throw new Error('the shared-memory tfjs binary does not validate');
const sharedFile = join(outDir, 'tfjs-backend-wasm-simd-shared.wasm');
writeFileSync(sharedFile, shared);
// The runtime uses the copy only with the very binary it came from (its JavaScript glue must match).
writeFileSync(
  join(outDir, 'tfjs-backend-wasm-simd-shared.json'),
  `${JSON.stringify({ tfjsVersion, sourceSha256: createHash('sha256').update(source).digest('hex') }, null, 2)}\n`,
);
console.log(`tfjs on shared memory: ${sharedFile}`);
