// A checkpoint is a folder `step-00000123/`:
//   model.safetensors      weights, by parameter name (model/params.ts)
//   optimizer.safetensors  AdamW moments `<name>.m`, `<name>.v`
//   tokenizer.json, vocab.txt   the MLM tokenizer, so the folder is self-contained (MLM runs only)
//   state.json             step, config, RNG states, optimizer step counts, counters, and the size and
//                          sha256 of every other file; its own sha256 is what the database records.
// Written atomically: files go to a hidden temp folder, each fsynced, state.json last, then one rename.
// A kill or a full disk mid-write leaves the previous checkpoints untouched.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import {
  CHECKPOINT_FORMAT,
  CheckpointStateSchema,
  type CheckpointState,
  type CheckpointStateDraft,
  type WrittenCheckpoint,
} from './state.js';

export const STATE_FILE = 'state.json';

export {
  CHECKPOINT_FORMAT,
  CheckpointStateSchema,
  type CheckpointState,
  type CheckpointStateDraft,
  type WrittenCheckpoint,
} from './state.js';

export class CheckpointError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`checkpoint ${path}: ${message}`);
    this.name = 'CheckpointError';
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function checkpointFolderName(step: number): string {
  return `step-${String(step).padStart(8, '0')}`;
}

/** Writes and fsyncs one file. */
export async function writeSynced(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(path: string): Promise<void> {
  // Makes the rename itself durable; not every platform can open a folder for fsync (Windows cannot).
  try {
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

export async function writeCheckpoint(
  parentDir: string,
  files: ReadonlyMap<string, Uint8Array>,
  draft: CheckpointStateDraft,
): Promise<WrittenCheckpoint> {
  const finalPath = join(parentDir, checkpointFolderName(draft.step));
  const temp = join(parentDir, `.${basename(finalPath)}.partial-${process.pid}`);
  await mkdir(parentDir, { recursive: true });
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp);
  let written: { bytes: number; stateBytes: Buffer };
  try {
    written = await writeFolder(temp, files, draft);
  } catch (error) {
    // A full disk mid-write: the partial folder would keep it full. The previous checkpoints stay.
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  // A checkpoint of the same step (a stop right after a periodic save) replaces the older one.
  await rm(finalPath, { recursive: true, force: true });
  await rename(temp, finalPath);
  await syncFolder(parentDir);
  return { path: finalPath, bytes: written.bytes, sha256: sha256(written.stateBytes) };
}

/** Every file, each fsynced, then state.json listing them; returns the total size and state.json. */
async function writeFolder(
  folder: string,
  files: ReadonlyMap<string, Uint8Array>,
  draft: CheckpointStateDraft,
): Promise<{ bytes: number; stateBytes: Buffer }> {
  const listed: CheckpointState['files'] = {};
  let bytes = 0;
  for (const [name, content] of files) {
    await writeSynced(join(folder, name), content);
    listed[name] = { bytes: content.byteLength, sha256: sha256(content) };
    bytes += content.byteLength;
  }
  const state: CheckpointState = {
    ...draft,
    format: CHECKPOINT_FORMAT,
    createdAt: new Date().toISOString(),
    files: listed,
  };
  const stateBytes = Buffer.from(`${JSON.stringify(state)}\n`, 'utf8');
  await writeSynced(join(folder, STATE_FILE), stateBytes);
  await syncFolder(folder);
  return { bytes: bytes + stateBytes.byteLength, stateBytes };
}

export interface LoadedCheckpoint {
  state: CheckpointState;
  files: Map<string, Buffer>;
}

/**
 * Reads and verifies a checkpoint: state.json must match `expectedSha256` when given (the database's
 * record), and every file must have the size and sha256 state.json lists. Anything else is refused.
 */
export async function readCheckpoint(path: string, expectedSha256?: string): Promise<LoadedCheckpoint> {
  let stateBytes: Buffer;
  try {
    stateBytes = await readFile(join(path, STATE_FILE));
  } catch {
    throw new CheckpointError(
      path,
      `${STATE_FILE} is missing (not a checkpoint folder, or a write that never finished)`,
    );
  }
  if (expectedSha256 && sha256(stateBytes) !== expectedSha256)
    throw new CheckpointError(
      path,
      `${STATE_FILE} does not match the sha256 recorded when it was written (tampered or damaged)`,
    );
  let state: CheckpointState;
  try {
    state = CheckpointStateSchema.parse(JSON.parse(stateBytes.toString('utf8')));
  } catch (error) {
    throw new CheckpointError(
      path,
      `${STATE_FILE} is not a valid checkpoint state (${(error as Error).message.split('\n')[0]})`,
    );
  }
  const files = new Map<string, Buffer>();
  for (const [name, expected] of Object.entries(state.files)) {
    const filePath = join(path, name);
    const size = await stat(filePath).then(
      (s) => s.size,
      () => -1,
    );
    if (size !== expected.bytes)
      throw new CheckpointError(
        path,
        `${name} is ${size < 0 ? 'missing' : `${size} bytes, expected ${expected.bytes} (truncated?)`}`,
      );
    const content = await readFile(filePath);
    if (sha256(content) !== expected.sha256)
      throw new CheckpointError(path, `${name} fails its sha256 check (tampered or damaged)`);
    files.set(name, content);
  }
  return { state, files };
}

/** The run folder a checkpoint belongs to (…/<run>/checkpoints/step-…). */
export function runFolderOf(checkpointPath: string): string {
  return dirname(dirname(checkpointPath));
}
