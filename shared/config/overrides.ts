// `--set path=value` overrides, applied to the raw config object before validation so that the schema
// still checks the result and reports problems by the same field path the user typed.

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

/** Splits "a.b[2].c" into ["a", "b", 2, "c"]. */
export function splitPath(path: string): Array<string | number> {
  const parts: Array<string | number> = [];
  for (const segment of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match || (match[1] === '' && match[2] === '')) throw new Error(`invalid field path "${path}"`);
    if (match[1] !== '') parts.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) parts.push(Number(index[1]));
  }
  return parts;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns a deep copy of `config` with the value at `path` replaced; missing objects on the way are created. */
export function applyOverride(config: unknown, { path, value }: Override): Record<string, unknown> {
  const root: Record<string, unknown> = structuredClone((config ?? {}) as Record<string, unknown>);
  const parts = splitPath(path);
  let node: Record<string | number, unknown> = root;
  parts.forEach((key, i) => {
    if (typeof key === 'string' && UNSAFE_KEYS.has(key)) throw new Error(`invalid field path "${path}"`);
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
