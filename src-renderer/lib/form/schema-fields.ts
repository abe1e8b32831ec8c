// The new-run form is generated from the run-config schema (shared/config/schema.ts), so a field added
// there appears here with its type, bounds, options and default. This reads zod's definition objects;
// only the handful of node types the schema uses are understood, anything else is left to JSON import.
import type { z } from 'zod';
import { RunConfigSchema } from '../../../shared/config/schema.js';

export type FieldKind =
  | { type: 'number'; integer: boolean }
  | { type: 'boolean' }
  | { type: 'enum'; options: string[] }
  | { type: 'string' }
  /** A list of block indices, typed as "0, -1". */
  | { type: 'layers' }
  | { type: 'group'; fields: FieldSpec[] }
  /** A tagged union on `kind`: one set of fields per kind. */
  | { type: 'union'; options: Array<{ kind: string; fields: FieldSpec[] }> }
  /** A literal (shown, not editable) or a shape the form does not edit (lists of objects): JSON only. */
  | { type: 'fixed'; value?: unknown }
  | { type: 'json' };

export interface FieldSpec {
  key: string;
  /** Dotted path, the same form as validation issues ("policy.schedule.label"). */
  path: string;
  kind: FieldKind;
  /** The schema's default, when it has a plain one. */
  defaultValue?: unknown;
}

/** The slice of zod's definition objects this reader touches. */
interface Def {
  type: string;
  innerType?: ZodLike;
  in?: ZodLike;
  shape?: Record<string, ZodLike>;
  options?: ZodLike[];
  discriminator?: string;
  entries?: Record<string, string>;
  values?: unknown[];
  element?: ZodLike;
  defaultValue?: unknown;
  checks?: Array<{ _zod: { def: { check?: string; format?: string } } }>;
}
interface ZodLike {
  _zod: { def: Def };
}

const defOf = (schema: ZodLike): Def => schema._zod.def;

/** Strips default / prefault / optional / nullable wrappers, keeping the first plain default seen. */
function unwrap(schema: ZodLike): { inner: ZodLike; defaultValue?: unknown } {
  let current = schema;
  let defaultValue: unknown;
  for (;;) {
    const def = defOf(current);
    if ((def.type === 'default' || def.type === 'prefault') && def.innerType) {
      if (defaultValue === undefined && def.type === 'default') defaultValue = def.defaultValue;
      current = def.innerType;
    } else if ((def.type === 'optional' || def.type === 'nullable') && def.innerType) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) {
      current = def.in;
    } else return { inner: current, defaultValue };
  }
}

function isInteger(def: Def): boolean {
  return (def.checks ?? []).some((c) => c._zod.def.format === 'safeint' || c._zod.def.format === 'int32');
}

function kindOf(schema: ZodLike, path: string): FieldKind {
  const def = defOf(schema);
  switch (def.type) {
    case 'number':
      return { type: 'number', integer: isInteger(def) };
    case 'boolean':
      return { type: 'boolean' };
    case 'string':
      return { type: 'string' };
    case 'enum':
      return { type: 'enum', options: Object.values(def.entries ?? {}) };
    case 'literal':
      return { type: 'fixed', value: def.values?.[0] };
    case 'object':
      return { type: 'group', fields: fieldsOf(schema, path) };
    case 'array': {
      const element = def.element ? defOf(unwrap(def.element).inner) : undefined;
      return element?.type === 'number' ? { type: 'layers' } : { type: 'json' };
    }
    case 'union':
      if (def.discriminator !== 'kind') return { type: 'json' };
      return {
        type: 'union',
        options: (def.options ?? []).map((option) => ({
          kind: literalOf(option),
          fields: fieldsOf(option, path).filter((f) => f.key !== 'kind'),
        })),
      };
    default:
      return { type: 'json' };
  }
}

function literalOf(option: ZodLike): string {
  const kind = defOf(unwrap(option).inner).shape?.kind;
  return kind ? String(defOf(unwrap(kind).inner).values?.[0]) : '';
}

function fieldsOf(schema: ZodLike, path: string): FieldSpec[] {
  const { inner } = unwrap(schema);
  const shape = defOf(inner).shape ?? {};
  return Object.entries(shape).map(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    const { inner: childInner, defaultValue } = unwrap(child);
    const kind = kindOf(childInner, childPath);
    // Object defaults ({} prefaults) say nothing a user can read; scalar defaults become placeholders.
    const plain =
      defaultValue !== undefined && (typeof defaultValue !== 'object' || Array.isArray(defaultValue));
    return { key, path: childPath, kind, ...(plain ? { defaultValue } : {}) };
  });
}

/** The top-level sections of the run config: name, task, model, policy, optimizer, training. */
export function configFields(schema: z.ZodType = RunConfigSchema): FieldSpec[] {
  return fieldsOf(schema as unknown as ZodLike, '');
}

/** The leaf paths the form shows for the current config (a union shows only the chosen kind's fields). */
export function visiblePaths(fields: readonly FieldSpec[], config: unknown): string[] {
  const out: string[] = [];
  for (const field of fields) {
    const value = valueAt(config, field.path);
    const { kind } = field;
    if (kind.type === 'group') out.push(...visiblePaths(kind.fields, config));
    else if (kind.type === 'union') {
      out.push(`${field.path}.kind`, field.path);
      const chosen = kind.options.find((o) => o.kind === kindValue(value));
      if (chosen) out.push(...visiblePaths(chosen.fields, config));
    } else out.push(field.path);
  }
  return out;
}

function kindValue(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? (value as { kind?: unknown }).kind : undefined;
}

/** Reads a dotted path ("policy.schedule.label") from a plain object; undefined where it is absent. */
export function valueAt(root: unknown, path: string): unknown {
  let current = root;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Writes (or with undefined, deletes) a dotted path, creating objects on the way. */
export function setValueAt(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let current = root;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (value === undefined) delete current[last];
  else current[last] = value;
}
