// Following one run in the foreground (`raptr train`, `raptr resume`): show its messages, turn Ctrl-C
// into a graceful stop (a checkpoint first; a second Ctrl-C aborts), and wait for a final status.
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import type { RunManager } from '../runs/run-manager.js';
import { getRun, type RunStatus } from '../store/index.js';
import { EXIT } from './input-error.js';
import type { RunView } from './run-views.js';

export async function followRun(
  manager: RunManager,
  runId: string,
  view: RunView,
  onMessage: (message: TrainerMessage) => void = () => {},
): Promise<RunStatus> {
  const unsubscribe = manager.subscribe((event) => {
    if (event.runId !== runId || event.type !== 'message') return;
    onMessage(event.message);
    if (event.message.type !== 'ready') view.show(event.message);
  });
  let interrupts = 0;
  const onInterrupt = () => {
    interrupts += 1;
    view.note(
      interrupts === 1
        ? 'stopping after this step; a checkpoint is written first (Ctrl-C again to abort)'
        : 'aborting',
    );
    manager.stop(runId);
  };
  process.on('SIGINT', onInterrupt);
  try {
    return await manager.waitFor(runId);
  } finally {
    process.off('SIGINT', onInterrupt);
    unsubscribe();
    view.finish();
  }
}

/** The exit code for a final status, and the reason on stderr when the run failed. */
export function exitFor(manager: RunManager, runId: string, status: RunStatus): number {
  if (status === 'completed') return EXIT.ok;
  if (status === 'stopped') return EXIT.interrupted;
  // The manager knows why even when a full disk kept the database from recording it.
  const tail =
    manager.failureReason(runId) ?? getRun(manager.db, runId)?.errorTail ?? 'the run did not finish';
  process.stderr.write(`training failed: ${tail}\n`);
  return EXIT.failure;
}
