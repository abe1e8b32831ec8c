// Which checkpoint of a run an export reads (--checkpoint latest | best | STEP), and reading it verified:
// state.json against the sha256 the database recorded, every other file against state.json. A damaged or
// tampered checkpoint is refused here, before anything is written.
import { z } from 'zod';
import {
  bestCheckpoint,
  latestCheckpoint,
  listCheckpoints,
  mustGetRun,
  type Checkpoint,
  type Db,
} from '../../store/index.js';
import { CheckpointError, readCheckpoint, type LoadedCheckpoint } from '../format.js';
import { ExportError } from './errors.js';

export type CheckpointSelector = 'latest' | 'best' | { step: number };

const SelectorSchema = z.union([
  z.enum(['latest', 'best']),
  z
    .string()
    .regex(/^\d+$/, 'must be latest, best or a step number')
    .transform((step) => ({ step: Number(step) })),
]);

export function parseCheckpointSelector(text: string): CheckpointSelector {
  const parsed = SelectorSchema.safeParse(text);
  if (!parsed.success)
    throw new ExportError('bad-request', `--checkpoint ${text}: must be latest, best or a step number`);
  return parsed.data;
}

/** The checkpoint row a selector names; a clear refusal when the run has none (or none of that kind). */
export function selectCheckpoint(db: Db, runId: string, selector: CheckpointSelector): Checkpoint {
  const run = mustGetRun(db, runId);
  const none = (what: string) =>
    new ExportError('no-checkpoint', `run ${run.id} ("${run.name}") has ${what}`);
  if (selector === 'latest') {
    const found = latestCheckpoint(db, run.id);
    if (!found)
      throw none('no checkpoint yet (it is written every training.checkpointEvery steps and on stop)');
    return found;
  }
  if (selector === 'best') {
    const found = bestCheckpoint(db, run.id);
    if (!found) throw none('no checkpoint with an eval loss; use --checkpoint latest');
    return found;
  }
  const all = listCheckpoints(db, run.id);
  const found = all.find((c) => c.step === selector.step);
  if (!found) {
    const steps = all.map((c) => c.step).join(', ');
    throw none(`no checkpoint at step ${selector.step} (${steps ? `it has steps ${steps}` : 'none at all'})`);
  }
  return found;
}

/** Reads a checkpoint folder and verifies it; CheckpointError becomes an ExportError with the same text. */
export async function readVerified(
  checkpoint: Pick<Checkpoint, 'path' | 'sha256'>,
): Promise<LoadedCheckpoint> {
  try {
    return await readCheckpoint(checkpoint.path, checkpoint.sha256);
  } catch (error) {
    if (error instanceof CheckpointError)
      throw new ExportError('bad-checkpoint', `${error.message}; refusing to export it`, { cause: error });
    throw error;
  }
}
