// A checkpoint's files (format in checkpoints/format.ts): the contents the engine read off the device
// (checkpoint-contents.ts) written as safetensors plus state.json, and read back verified. A run resumed
// from step k logs the same losses after k as one never stopped.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CheckpointError,
  readCheckpoint,
  writeCheckpoint,
  type WrittenCheckpoint,
} from '../checkpoints/format.js';
import { decodeSafetensors, encodeSafetensors, type NamedArray } from '../checkpoints/safetensors.js';
import { APP_VERSION } from '../version.js';
import type { CheckpointContents } from './checkpoint-contents.js';

/**
 * Writes one checkpoint folder under `checkpointsDir`; `tokenizerDir` (MLM runs) is the folder whose
 * tokenizer.json and vocab.txt are copied in, so the checkpoint is self-contained.
 */
export async function writeCheckpointFiles(
  checkpointsDir: string,
  contents: CheckpointContents,
  tokenizerDir: string | null,
): Promise<WrittenCheckpoint> {
  const { state } = contents;
  const files = new Map<string, Uint8Array>([
    [
      'model.safetensors',
      encodeSafetensors(contents.weights, { format: 'raptr-studio', step: String(state.step) }),
    ],
    ['optimizer.safetensors', encodeSafetensors(contents.moments)],
  ]);
  if (tokenizerDir)
    for (const name of ['tokenizer.json', 'vocab.txt'])
      files.set(name, await readFile(join(tokenizerDir, name)));
  return writeCheckpoint(checkpointsDir, files, { ...state, appVersion: APP_VERSION });
}

/** Reads a checkpoint folder, verified against the sha256 of its state.json the database recorded. */
export async function readCheckpointFiles(
  path: string,
  expectedSha256?: string,
): Promise<CheckpointContents> {
  const { state, files } = await readCheckpoint(path, expectedSha256);
  const arrays = (name: string): NamedArray[] => [...decodeSafetensors(files.get(name)!).tensors.values()];
  return { state, weights: arrays('model.safetensors'), moments: arrays('optimizer.safetensors') };
}

export interface CheckpointRef {
  path: string;
  sha256: string | null;
}

/**
 * Loads the newest of a run's checkpoints that verifies (newest first in `candidates`), telling `warn`
 * which ones were skipped and why. A damaged newest checkpoint costs the steps since the one before it,
 * not the run. Throws, naming every reason, when none verifies.
 */
export async function loadNewestVerified(
  candidates: readonly CheckpointRef[],
  warn: (message: string) => void,
): Promise<CheckpointContents> {
  const skipped: string[] = [];
  for (const candidate of candidates) {
    try {
      const restored = await readCheckpointFiles(candidate.path, candidate.sha256 ?? undefined);
      if (skipped.length > 0)
        warn(`resuming from step ${restored.state.step}: skipped ${skipped.join('; ')}`);
      return restored;
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      skipped.push(error.message);
    }
  }
  throw new Error(`no checkpoint of this run verifies, so it cannot be resumed: ${skipped.join('; ')}`);
}
