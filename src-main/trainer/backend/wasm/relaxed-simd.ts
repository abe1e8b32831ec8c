// Relaxed SIMD (fused multiply-add in the GEMM's inner loop) where the runtime has it. Electron's V8 and
// Node 22+ have it on; Node 20's V8 has it behind a flag, which is switched on here before any module using
// it is compiled. The check is a real one: a tiny module using f32x4.relaxed_madd must validate.
import { setFlagsFromString } from 'node:v8';

/** (func (param v128 v128 v128) (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd) */
const RELAXED_MADD_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02,
  0x0b,
]);

let available: boolean | null = null;

/** Whether relaxed SIMD can be used in this process (switching V8's flag on where it needs one). */
export function relaxedSimdAvailable(): boolean {
  if (available !== null) return available;
  available = WebAssembly.validate(RELAXED_MADD_MODULE);
  if (!available) {
    // V8 ignores a flag it does not know, so this is harmless on runtimes that never had it.
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    available = WebAssembly.validate(RELAXED_MADD_MODULE);
  }
  return available;
}
