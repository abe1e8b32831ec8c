// Actions the runs table and the run page take beyond one field edit: deleting a run that trains in another
// process (ask it to stop, then delete), and one action over a selection of runs.
import type { BulkOutcome } from '../../shared/api-types.js';
import type { ParsedRequest } from '../../shared/ipc-contract.js';
import type { RunManager } from '../runs/run-manager.js';
import {
  getRun,
  mustGetRun,
  ownerAlive,
  ownerOf,
  requestRun,
  THIS_PROCESS,
  updateRun,
} from '../store/index.js';
import { ServiceError, toApiError } from './dispatch.js';

const FINAL = new Set(['stopped', 'completed', 'failed', 'interrupted']);
const STOP_WAIT_MS = 60_000;

function trainsElsewhere(manager: RunManager, runId: string): boolean {
  const owner = ownerOf(manager.db, runId);
  return (
    !manager.isActive(runId) &&
    owner !== null &&
    ownerAlive(owner) &&
    (owner.pid !== THIS_PROCESS.pid || owner.host !== THIS_PROCESS.host)
  );
}

/**
 * Deletes a run. One that trains in another process is refused unless `stop`: then that process is asked
 * to stop it (it writes a checkpoint and lets go) and the run is deleted once it has.
 */
export async function deleteWhereverTraining(manager: RunManager, runId: string, stop: boolean) {
  if (stop && trainsElsewhere(manager, runId)) {
    requestRun(manager.db, runId, 'stop');
    const deadline = Date.now() + STOP_WAIT_MS;
    while (trainsElsewhere(manager, runId) && !FINAL.has(mustGetRun(manager.db, runId).status)) {
      if (Date.now() > deadline)
        throw new Error(`run ${runId} did not stop within ${STOP_WAIT_MS / 1000} s; try again later`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return manager.delete(runId);
}

export async function bulkAction(manager: RunManager, request: ParsedRequest<'runs:bulk'>) {
  const { ids, action, tag } = request;
  if ((action === 'tag' || action === 'untag') && tag === undefined)
    throw new ServiceError('invalid-input', `tag: give the tag to ${action}`);
  const outcomes: BulkOutcome[] = [];
  for (const id of ids) {
    try {
      const run = getRun(manager.db, id);
      if (!run) throw new Error(`no run ${id} (deleted meanwhile?)`);
      if (action === 'delete') await deleteWhereverTraining(manager, id, true);
      else if (action === 'archive' || action === 'unarchive')
        updateRun(manager.db, id, { archived: action === 'archive' });
      else
        updateRun(manager.db, id, {
          tags: action === 'tag' ? [...run.tags, tag!] : run.tags.filter((t) => t !== tag),
        });
      outcomes.push({ id, ok: true });
    } catch (error) {
      outcomes.push({ id, ok: false, error: toApiError(error).message });
    }
  }
  return outcomes;
}
