// The first file of a run bundle: what the bundle holds, with the size and sha256 of every other file, so
// a damaged or edited bundle is refused on import before anything is written.
import { z } from 'zod';

export const BUNDLE_FORMAT = 'raptr-bundle';
export const MANIFEST_FILE = 'manifest.json';
export const METRICS_FILE = 'metrics.json';

/** Names a bundle may hold: no absolute paths, no "..", nothing outside checkpoints/step-N/. */
const SAFE_NAME = /^(metrics\.json|checkpoints\/step-\d{8,}\/[A-Za-z0-9_-][A-Za-z0-9._-]*)$/;
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

export const BundleFileSchema = z.strictObject({
  name: z.string().regex(SAFE_NAME, 'not a file name a bundle may hold'),
  bytes: z.number().int().nonnegative(),
  sha256,
});

export const BundleCheckpointSchema = z.strictObject({
  /** Folder under checkpoints/ in the bundle and, after import, under the run's folder. */
  folder: z.string().regex(/^step-\d{8,}$/),
  step: z.number().int().nonnegative(),
  /** sha256 of the checkpoint's state.json (what the database records). */
  sha256,
  bytes: z.number().int().nonnegative(),
  evalLoss: z.number().nullable(),
  createdAt: z.number().int().nonnegative(),
  /** Why it was bundled: the run's latest checkpoint, its best by eval loss, or both. */
  roles: z.array(z.enum(['latest', 'best'])).min(1),
});

export const ManifestSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(1),
  appVersion: z.string(),
  createdAt: z.string(),
  runId: z.string(),
  runName: z.string(),
  files: z.array(BundleFileSchema),
  checkpoints: z.array(BundleCheckpointSchema),
});

export type Manifest = z.output<typeof ManifestSchema>;
export type BundleFile = z.output<typeof BundleFileSchema>;
export type BundleCheckpoint = z.output<typeof BundleCheckpointSchema>;
