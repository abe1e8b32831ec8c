// How a kernel's work is split between threads. Each thread runs the same exported kernel with its own
// `part` of `parts` and takes a contiguous range of units (rows, groups of 4 floats, column panels,
// sequence-head pairs). The split decides only which thread computes an element, never how: every element
// goes through the same operations in the same order whatever `parts` is, so results are the same bits
// for 1, 2 or 32 threads.

/** First unit of `part` when `units` are split into `parts` near-equal ranges (part `parts` gives the end). */
@inline export function partStart(units: i32, part: i32, parts: i32): i32 {
  return <i32>((<i64>units * <i64>part) / <i64>parts);
}

/**
 * First element of `part` when n floats are split in whole v128s (groups of 4): only the last part gets
 * the scalar tail, which computes what a SIMD lane would.
 */
@inline export function quadStart(n: i32, part: i32, parts: i32): i32 {
  return min(n, partStart((n + 3) >> 2, part, parts) << 2);
}
