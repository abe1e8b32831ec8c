// Quitting never loses training: the first quit holds the app open while every run stops with a
// checkpoint, then quits for real. A second quit (or a trainer that will not stop in time) kills the
// trainers instead of waiting; what they recorded is already in the database.
import type { App } from 'electron';

export interface QuitGuardOptions {
  /** Stops the runs with a checkpoint and closes the database. */
  shutdown(): Promise<void>;
  /** Kills trainers still running. */
  forceStop(): void;
  /** How long a graceful stop may take before the trainers are killed. */
  graceMs?: number;
  onError?(error: unknown): void;
}

export function guardQuit(app: App, options: QuitGuardOptions): void {
  let state: 'open' | 'stopping' | 'done' = 'open';
  app.on('before-quit', (event) => {
    if (state === 'done') return;
    event.preventDefault();
    if (state === 'stopping') {
      options.forceStop(); // the user asked twice: do not make them wait for checkpoints
      return;
    }
    state = 'stopping';
    const timer = setTimeout(() => options.forceStop(), options.graceMs ?? 60_000);
    void options
      .shutdown()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        clearTimeout(timer);
        state = 'done';
        app.quit();
      });
  });
}
