// What the wasm backend finds out about its runtime at start: the shared-memory copy of tfjs's binary is
// used only with the binary it was made from, relaxed SIMD is detected (Node 20 needs V8's flag), and
// physical cores are counted from Linux CPU lists.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countList, physicalCores } from '../../../src-main/trainer/backend/wasm/cpu-cores.js';
import { relaxedSimdAvailable } from '../../../src-main/trainer/backend/wasm/relaxed-simd.js';
import { tfjsBinaries } from '../../../src-main/trainer/backend/wasm/shared-heap.js';

const tfjsFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));

describe("tfjs's heap on shared memory", () => {
  it('uses the shared-memory copy in place of the SIMD binary it was made from', () => {
    const binaries = tfjsBinaries(tfjsFolder);
    expect(binaries).toMatchObject({ shared: true, whyNotShared: null });
    expect(binaries.paths['tfjs-backend-wasm-simd.wasm']).toMatch(/tfjs-backend-wasm-simd-shared\.wasm$/);
    expect(binaries.paths['tfjs-backend-wasm.wasm']).toBe(join(tfjsFolder, 'tfjs-backend-wasm.wasm'));
  });

  it('keeps the stock binary, and says why, next to another tfjs build', () => {
    const other = mkdtempSync(join(tmpdir(), 'raptr-tfjs-'));
    copyFileSync(join(tfjsFolder, 'tfjs-backend-wasm.wasm'), join(other, 'tfjs-backend-wasm.wasm'));
    writeFileSync(join(other, 'tfjs-backend-wasm-simd.wasm'), 'not the binary the copy came from');
    const binaries = tfjsBinaries(other);
    expect(binaries.shared).toBe(false);
    expect(binaries.whyNotShared).toMatch(/built from another tfjs .*npm run build/);
    expect(binaries.paths['tfjs-backend-wasm-simd.wasm']).toBe(join(other, 'tfjs-backend-wasm-simd.wasm'));
  });
});

describe('the runtime', () => {
  it('has relaxed SIMD here (Node 20: once V8 is told), so the FMA kernels can load', () => {
    expect(relaxedSimdAvailable()).toBe(true);
    expect(relaxedSimdAvailable()).toBe(true); // asked again: the answer is kept
  });

  it('counts CPUs in Linux lists and physical cores on this machine', () => {
    expect(countList('0')).toBe(1);
    expect(countList('0,64')).toBe(2);
    expect(countList('0-3,8,10-11')).toBe(7);
    expect(physicalCores()).toBeGreaterThanOrEqual(1);
  });
});
