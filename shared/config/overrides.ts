// `--set path=value` overrides, applied to the raw config object before validation so that the schema
// still checks the result and reports problems by the same field path the user typed. A path names at
// most a few levels and an index at most one past a list's end (an append): `fixed[100000000]=0` must be
// a clear refusal, not a list of a hundred million holes.
import { nestedTooDeep, TOO_DEEP } from '../json-depth.js';

export interface Override {
  path: string;
  value: unknown;
}

/** Short names for the fields people change most: `--set steps=200` means training.steps. */
export const OVERRIDE_ALIASES: Readonly<Record<string, string>> = {
  steps: 'training.steps',
  batchSize: 'training.batchSize',
  seed: 'training.seed',
  evalEvery: 'training.evalEvery',
  backend: 'training.backend',
  threads: 'training.threads',
  lr: 'optimizer.lr',
  layers: 'model.layers',
};

/**
 * Parses "training.steps=500" or 'policy.schedule.label="6-8-10-12"' (or an alias: "steps=500"). The
 * value is JSON if it parses as JSON, else a string.
 */
export function parseOverride(text: string): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--set expects path=value, got "${text}"`);
  const written = text.slice(0, eq).trim();
  const path = OVERRIDE_ALIASES[written] ?? written;
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // A bare word such as `pre` or `sqrt` is meant as a string.
  }
  return { path, value };
}

/** More parts than any field of a run config has. */
const MAX_PATH_PARTS = 16;

/** Splits "a.b[2].c" into ["a", "b", 2, "c"]. */
export function splitPath(path: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const segment of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match || (match[1] === '' && match[2] === '')) throw new Error(`invalid field path "${path}"`);
    if (match[1] !== '') parts.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
    if (parts.length > MAX_PATH_PARTS)
      throw new Error(`invalid field path: more than ${MAX_PATH_PARTS} parts`);
  }
  return parts;
}

/** "policy.schedule.fixed" for the parts before an index, as the user wrote them. */
function pathBefore(parts: ReadonlyArray<string | number>, end: number): string {
  return parts
    .slice(0, end)
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns a deep copy of `config` with the value at `path` replaced; missing objects on the way are created. */
export function applyOverride(config: unknown, { path, value }: Override): Record<string, unknown> {
  if (nestedTooDeep(config)) throw new Error(`the config is ${TOO_DEEP}`);
  if (nestedTooDeep(value)) throw new Error(`the value is ${TOO_DEEP}`);
  const root: Record<string, unknown> = structuredClone((config ?? {}) as Record<string, unknown>);
  const parts = splitPath(path);
  let node: Record<string | number, unknown> = root;
  parts.forEach((key, i) => {
    if (typeof key === 'string' && UNSAFE_KEYS.has(key)) throw new Error(`invalid field path "${path}"`);
    if (typeof key === 'number') {
      const list = pathBefore(parts, i);
      if (!Array.isArray(node)) throw new Error(`${list} is not a list, so it has no item [${key}]`);
      if (key > node.length)
        throw new Error(
          `index ${key} is out of range for ${list}, which has ${node.length} items (use 0 to ${node.length})`,
        );
    }
    if (i === parts.length - 1) {
      node[key] = value;
      return;
    }
    const next = node[key];
    if (next === undefined || next === null || typeof next !== 'object') {
      node[key] = typeof parts[i + 1] === 'number' ? [] : {};
    }
    node = node[key] as Record<string | number, unknown>;
  });
  return root;
}
