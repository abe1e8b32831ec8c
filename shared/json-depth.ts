// Input nested deeper than any real config or request: JSON.parse reads it without complaint, but
// structuredClone, JSON.stringify and every recursive walk after it overflow the stack ("Maximum call stack
// size exceeded") far from where the input came in. It is refused at the boundary instead, by a walk that
// does not recurse.

/** Deeper than this is refused; the deepest real config is about 6 levels. */
export const MAX_INPUT_DEPTH = 64;

/** True when `value` has objects or arrays nested more than `max` levels deep. */
export function nestedTooDeep(value: unknown, max: number = MAX_INPUT_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    if (depth >= max) return true;
    seen.add(item);
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

export const TOO_DEEP = `nested more than ${MAX_INPUT_DEPTH} levels deep`;
