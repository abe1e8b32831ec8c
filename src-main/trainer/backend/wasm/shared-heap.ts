// TensorFlow.js's wasm heap on shared memory, so worker threads can run our kernels on its tensors in place.
// tfjs's own threaded build cannot start in Node (its pthread workers load from blob: URLs, and tfjs turns
// threads off there), so the build derives a copy of tfjs's single-threaded SIMD binary whose memory is
// declared shared (scripts/build-kernels.mjs). tfjs runs it exactly as before, on one thread; only the
// memory's buffer changes, to a SharedArrayBuffer. The copy is used only with the very binary it came from.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { z } from 'zod';
import { findBuiltFile } from '../../../built-file.js';

const SIMD_BINARY = 'tfjs-backend-wasm-simd.wasm';
const TFJS_BINARIES = ['tfjs-backend-wasm.wasm', SIMD_BINARY, 'tfjs-backend-wasm-threaded-simd.wasm'];

const ProvenanceSchema = z.object({ tfjsVersion: z.string(), sourceSha256: z.string() });

export interface TfjsBinaries {
  /** File for each tfjs binary name, for setWasmPaths. */
  paths: Record<string, string>;
  /** The SIMD binary's memory is shared (threads can work on it). */
  shared: boolean;
  /** Why it is not, when it is not. */
  whyNotShared: string | null;
}

/** tfjs's binaries from `folder`, with the shared-memory SIMD copy in place of the SIMD one when it fits. */
export function tfjsBinaries(folder: string): TfjsBinaries {
  const paths = Object.fromEntries(TFJS_BINARIES.map((name) => [name, join(folder, name)]));
  const whyNot = whyNotShared(join(folder, SIMD_BINARY));
  if (whyNot) return { paths, shared: false, whyNotShared: whyNot };
  return { paths: { ...paths, [SIMD_BINARY]: sharedBinaryPath() }, shared: true, whyNotShared: null };
}

function sharedBinaryPath(): string {
  const path = findBuiltFile('the shared-memory tfjs binary', import.meta.url, [
    '../../../../kernels/tfjs-backend-wasm-simd-shared.wasm',
    '../../../../dist/kernels/tfjs-backend-wasm-simd-shared.wasm',
  ]);
  // Packaged by Electron: tfjs reads the binary itself, from the real file beside app.asar.
  const unpacked = path.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`);
  return existsSync(unpacked) ? unpacked : path;
}

function whyNotShared(stockBinary: string): string | null {
  if (typeof SharedArrayBuffer !== 'function') return 'this runtime has no SharedArrayBuffer';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this runtime has no shared WebAssembly memory';
  }
  let provenanceFile: string;
  try {
    provenanceFile = sharedBinaryPath()
      .replace(`app.asar.unpacked${sep}`, `app.asar${sep}`)
      .replace(/\.wasm$/, '.json');
  } catch (error) {
    return (error as Error).message;
  }
  if (!existsSync(provenanceFile)) return `${provenanceFile} is missing; run npm run build`;
  const provenance = ProvenanceSchema.safeParse(JSON.parse(readFileSync(provenanceFile, 'utf8')));
  if (!provenance.success) return `${provenanceFile} is not valid; run npm run build`;
  const sha256 = createHash('sha256').update(readFileSync(stockBinary)).digest('hex');
  if (sha256 !== provenance.data.sourceSha256)
    return `the shared-memory tfjs binary was built from another tfjs (${provenance.data.tfjsVersion}); run npm run build`;
  return null;
}
