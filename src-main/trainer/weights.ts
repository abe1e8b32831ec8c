// Writes the model's weights as safetensors (names as in model/params.ts), atomically: a temp file,
// fsync, then rename, so a crash never leaves a half-written file under the final name.
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../../shared/config/schema.js';
import { writeSynced } from '../checkpoints/format.js';
import { encodeSafetensors, type NamedArray } from '../checkpoints/safetensors.js';

/**
 * A temp file, fsynced, then renamed: a crash never leaves a half-written file under the final name, and a
 * failed write (a full disk) removes its temp file rather than leave the disk full of it.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    await writeSynced(temp, bytes);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  await rename(temp, path);
}

/** outDir/model.safetensors: the weights the run ended with, and the config that made them. */
export async function writeFinalWeights(
  outDir: string,
  weights: readonly NamedArray[],
  config: RunConfig,
  step: number,
): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const path = join(outDir, 'model.safetensors');
  const bytes = encodeSafetensors(weights, {
    format: 'raptr-studio',
    step: String(step),
    config: JSON.stringify(config),
  });
  await writeFileAtomic(path, bytes);
  return path;
}
