// The fields in which configs differ: what a "config diff" view and `raptr compare` show.

export interface ConfigDifference {
  /** Dotted path with [i] for array items. */
  path: string;
  /** One value per config, in order; undefined where the field is absent. */
  values: unknown[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaf paths whose values are not all equal across the configs. Arrays of scalars compare whole. */
export function diffConfigs(configs: readonly unknown[]): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  const walk = (values: unknown[], path: string) => {
    if (values.every(isPlainObject)) {
      const keys = [...new Set(values.flatMap((v) => Object.keys(v as Record<string, unknown>)))].sort();
      for (const key of keys)
        walk(
          values.map((v) => (v as Record<string, unknown>)[key]),
          path ? `${path}.${key}` : key,
        );
      return;
    }
    const arraysOfObjects = values.every((v) => Array.isArray(v) && v.some(isPlainObject));
    if (arraysOfObjects) {
      const length = Math.max(...values.map((v) => (v as unknown[]).length));
      for (let i = 0; i < length; i++)
        walk(
          values.map((v) => (v as unknown[])[i]),
          `${path}[${i}]`,
        );
      return;
    }
    const first = JSON.stringify(values[0]);
    if (values.some((v) => JSON.stringify(v) !== first)) out.push({ path, values });
  };
  walk([...configs], '');
  return out;
}
