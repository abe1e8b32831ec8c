// `--set policy.kind=full` on a preset written for RaPTr: the preset's schedule and scale mean nothing to
// full training, and the strict schema would refuse them as unknown fields. A change of kind drops the
// fields the new kind does not have (and says which), so switching a preset's method is one --set.
// Fields set by a later --set are the user's own and are kept (the schema then names any that do not fit).
import type { z } from 'zod';
import { CorpusSchema, PolicySchema, TaskSchema } from './schema.js';

type KindUnion = { options: ReadonlyArray<{ shape: Record<string, z.ZodType> }> };

/** The config sections chosen by a `kind` field, and their kinds' schemas. */
const KIND_UNIONS: Readonly<Record<string, KindUnion>> = {
  policy: PolicySchema as unknown as KindUnion,
  task: TaskSchema as unknown as KindUnion,
  'task.corpus': CorpusSchema as unknown as KindUnion,
};

/** The fields a kind of `section` has, or null when the section or the kind is unknown. */
function fieldsOfKind(section: string, kind: unknown): Set<string> | null {
  const union = KIND_UNIONS[section];
  const option = union?.options.find((o) => (o.shape.kind as { value?: unknown }).value === kind);
  return option ? new Set(Object.keys(option.shape)) : null;
}

/**
 * After `path` was set: when it is a section's `kind`, removes the section's fields that kind lacks, in
 * place, and returns their paths ("policy.schedule"); otherwise returns [].
 */
export function dropFieldsOfOtherKinds(config: Record<string, unknown>, path: string): string[] {
  if (!path.endsWith('.kind')) return [];
  const section = path.slice(0, -'.kind'.length);
  let node: unknown = config;
  for (const key of section.split('.')) node = (node as Record<string, unknown> | undefined)?.[key];
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return [];
  const object = node as Record<string, unknown>;
  const fields = fieldsOfKind(section, object.kind);
  if (!fields) return [];
  const dropped = Object.keys(object).filter((key) => !fields.has(key));
  for (const key of dropped) delete object[key];
  return dropped.map((key) => `${section}.${key}`);
}
