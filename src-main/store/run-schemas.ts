// What callers may pass when creating or changing a run. Validated here, at the store's edge, so a bad
// value is refused with the field's name before any row is touched.
import { z } from 'zod';
import { boundErrorText } from '../../shared/error-text.js';
import { RUN_STATUSES } from './migrations/001-runs.js';
import type { Run } from '../../shared/api-types.js';

export type { Run };

export const RunStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.output<typeof RunStatusSchema>;

/** Lenient on purpose: ids from imported bundles may come from another version of newRunId. */
export const RunIdSchema = z
  .string({ error: 'must be a run id string' })
  .regex(/^[0-9A-Za-z_-]{1,64}$/, 'must be 1-64 letters, digits, "-" or "_"');

export const TagSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters');

const TagsSchema = z
  .array(TagSchema, { error: 'must be a list of strings' })
  .max(100, 'at most 100 tags')
  .transform((tags) => [...new Set(tags)]);
const NameSchema = z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(200);
const NotesSchema = z.string({ error: 'must be a string' }).max(100_000, 'must be at most 100000 characters');
const TimeSchema = z.number({ error: 'must be a number (ms since epoch)' }).int().nonnegative();

export const NewRunSchema = z.strictObject({
  /** Given when importing a bundle; new runs get a fresh time-sortable id. */
  id: RunIdSchema.optional(),
  name: NameSchema,
  /** The validated run config (a JSON object). */
  config: z.record(z.string(), z.unknown(), { error: 'must be a JSON object' }),
  /** The subnetwork policy kind; defaults to config.policy.kind. */
  policy: z.string().min(1).optional(),
  preset: z.string().nullable().default(null),
  status: RunStatusSchema.default('queued'),
  createdAt: TimeSchema.optional(),
  backend: z.string().nullable().default(null),
  device: z.string().nullable().default(null),
  /** Defaults to config.training.seed. */
  seed: z.number().int('must be a whole number').nullable().optional(),
  appVersion: z.string().min(1, 'must not be empty'),
  corpusFingerprint: z.string().nullable().default(null),
  tags: TagsSchema.default([]),
  notes: NotesSchema.default(''),
  parentRunId: RunIdSchema.nullable().default(null),
});
export type NewRun = z.input<typeof NewRunSchema>;

/** The fields a user edits after the fact. */
export const RunPatchSchema = z.strictObject({
  name: NameSchema.optional(),
  tags: TagsSchema.optional(),
  notes: NotesSchema.optional(),
  archived: z.boolean({ error: 'must be true or false' }).optional(),
});
export type RunPatch = z.input<typeof RunPatchSchema>;

export const StatusChangeSchema = z.strictObject({
  status: RunStatusSchema,
  at: TimeSchema.optional(),
  /**
   * Why the run failed, with the tail of a crashed trainer's stderr. Cut to a bounded length rather than
   * refused: the status of a run that failed must always be recordable, however long its error was.
   */
  errorTail: z
    .string()
    .transform((text) => boundErrorText(text))
    .nullable()
    .optional(),
});
export type StatusChange = z.input<typeof StatusChangeSchema>;

export const EnvironmentSchema = z.strictObject({
  backend: z.string().min(1).nullable(),
  device: z.string().min(1).nullable(),
  /** Known once the trainer has read its corpus; kept as it was when not given. */
  corpusFingerprint: z.string().min(1).nullable().optional(),
});

export const RunFilterSchema = z.strictObject({
  /** Substring of the name, the notes or a tag (case-insensitive for ASCII). */
  text: z.string().max(200).optional(),
  /** Exactly this tag. */
  tag: TagSchema.optional(),
  status: z.union([RunStatusSchema, z.array(RunStatusSchema)]).optional(),
  policy: z.string().optional(),
  /** Default false: archived runs are hidden unless asked for; null lists both. */
  archived: z.boolean().nullable().default(false),
  parentRunId: RunIdSchema.optional(),
  limit: z.number().int().positive().max(100_000).default(1000),
  offset: z.number().int().nonnegative().default(0),
});
export type RunFilter = z.input<typeof RunFilterSchema>;
