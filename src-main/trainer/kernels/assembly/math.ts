// exp and sigmoid on f32x4, for the fused activation, LayerNorm and loss kernels. tfjs-wasm's Exp is
// scalar (17 ms for the two [154, 8000] exps of one BERT-mini step); this is ~1e-7 relative, like expf.

/**
 * Cephes expf: exp(x) = 2^n exp(r), r = x - n ln2 (ln2 split in two for exactness), exp(r) by a degree-7
 * polynomial on |r| <= ln2/2; relative error ~1e-7. x is clamped to [-87.3, 88]: below, the result is the
 * smallest normal float (not 0), which only matters next to terms ~1e38 times larger. NaN stays NaN.
 * pmin/pmax and rounding by adding 1.5 * 2^23 (n then sits in the low mantissa bits, ready to shift into
 * the exponent) are single instructions, where min/max/nearest/trunc_sat expand to several: 20% faster.
 */
@inline export function expV(v: v128): v128 {
  const x0 = f32x4.pmin(f32x4.pmax(v, f32x4.splat(-87.3)), f32x4.splat(88.0));
  const shifted = f32x4.add(f32x4.mul(x0, f32x4.splat(1.44269504088896341)), f32x4.splat(12582912.0));
  const n = f32x4.sub(shifted, f32x4.splat(12582912.0));
  let x = f32x4.sub(x0, f32x4.mul(n, f32x4.splat(0.693359375)));
  x = f32x4.sub(x, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, x), f32x4.splat(5.0000001201e-1));
  const y = f32x4.add(f32x4.add(f32x4.mul(p, z), x), f32x4.splat(1));
  // 2^n built in the exponent bits: n is in [-126, 127], so the result is a normal float.
  const pow2n = i32x4.add(i32x4.shl(shifted, 23), i32x4.splat(127 << 23));
  return f32x4.mul(y, pow2n);
}

/** 1 / (1 + exp(-x)). */
@inline export function sigmoidV(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}

/** The same functions on one float (loop tails), so a value never depends on where it sits in a row. */
@inline export function expS(x: f32): f32 {
  return f32x4.extract_lane(expV(f32x4.splat(x)), 0);
}

/** Horizontal sum of the four lanes. */
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

@inline export function ptr(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/**
 * Natural log in f64 without lookup tables (Mathf.log would bring a data segment, which must not exist
 * here): x = 2^e m with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172, by
 * its series to s^19 (error < 1e-15). NaN, infinities, 0 and negatives behave as Math.log.
 */
export function logF64(x: f64): f64 {
  if (x != x || x == Infinity) return x;
  if (x <= 0) return x == 0 ? -Infinity : NaN;
  let scale = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984; // 2^54: bring a subnormal into the normal range
    scale = -54;
  }
  const bits = reinterpret<u64>(x);
  let e = <i32>((bits >> 52) & 0x7ff) - 1023 + scale;
  let m = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (m > 1.4142135623730951) {
    m *= 0.5;
    e += 1;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let p = 1.0 / 19;
  p = p * s2 + 1.0 / 17;
  p = p * s2 + 1.0 / 15;
  p = p * s2 + 1.0 / 13;
  p = p * s2 + 1.0 / 11;
  p = p * s2 + 1.0 / 9;
  p = p * s2 + 1.0 / 7;
  p = p * s2 + 1.0 / 5;
  p = p * s2 + 1.0 / 3;
  p = p * s2 + 1;
  return <f64>e * 0.6931471805599453 + 2 * s * p;
}

/**
 * a * b + c. With relaxed SIMD (a build of its own, see scripts/build-kernels.mjs) this is one fused
 * multiply-add where the CPU has one, rounded once instead of twice: a different kernel, not a different
 * thread count (results differ from the plain build in the last bits, and are the same for any thread count).
 */
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
