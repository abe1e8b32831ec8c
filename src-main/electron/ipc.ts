// Electron's front door to the services: one ipcMain.handle per contract channel, each checking who is
// asking before dispatch() validates the payload, and the live events pushed to our windows. A thin
// adapter: the work is done once in src-main/services, shared with `raptr serve` and the CLI.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNEL_NAMES, type Result } from '../../shared/ipc-contract.js';
import { dispatch, type Handlers } from '../services/dispatch.js';
import type { LiveEvents } from '../services/live-events.js';

export type FrameCheck = (frameUrl: string | undefined) => boolean;

/** Registers every channel; returns a function that removes them again. */
export function registerIpcHandlers(
  ipcMain: IpcMain,
  handlers: Handlers,
  isOwnFrame: FrameCheck,
): () => void {
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, isOwnFrame)) return Promise.resolve(refusal(channel));
      return dispatch(handlers, channel, payload);
    });
  }
  return () => {
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}

/**
 * Only the top frame of our own page may call main. A frame that navigated elsewhere, a subframe, or a
 * page that is not ours (should one ever load despite the navigation guard) is refused.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, isOwnFrame: FrameCheck): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isOwnFrame(frame.url);
}

function refusal(channel: string): Result<never> {
  return {
    ok: false,
    error: {
      code: 'unauthorized',
      message: `${channel} refused: the request did not come from RaPTr Studio's page`,
    },
  };
}

/**
 * Sends live events (already batched by liveEvents: at most ~10 metric messages a second per run) to every
 * window showing our page. Returns the unsubscribe function.
 */
export function forwardLiveEvents(
  live: LiveEvents,
  targets: () => WebContents[],
  isOwnFrame: FrameCheck,
): () => void {
  return live.subscribe((event, payload) => {
    for (const contents of targets())
      if (!contents.isDestroyed() && isOwnFrame(contents.getURL())) contents.send(event, payload);
  });
}
