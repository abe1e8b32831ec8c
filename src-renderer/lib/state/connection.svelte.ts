// Whether the live-event connection is up (`raptr serve` over a WebSocket). Events sent while it was down
// are lost, so each reconnect bumps `epoch` and the views reload what they show (onReconnect). The views
// keep their subscriptions meanwhile: re-mounting them would drop the socket and count as another loss.
import { untrack } from 'svelte';

export class Connection {
  /** Never true before the first connect: a page that has not subscribed yet is not "disconnected". */
  lost = $state(false);
  epoch = $state(0);
  private everConnected = false;

  readonly onChange = (connected: boolean): void => {
    if (connected) {
      if (this.everConnected && this.lost) this.epoch++;
      this.everConnected = true;
      this.lost = false;
    } else if (this.everConnected) this.lost = true;
  };
}

/** One per window. */
export const connection = new Connection();

/** Calls `reload` after every reconnect; call it while a component initialises. */
export function onReconnect(reload: () => void, source: Connection = connection): void {
  let seen = untrack(() => source.epoch);
  $effect(() => {
    const epoch = source.epoch;
    if (epoch === seen) return;
    seen = epoch;
    untrack(reload);
  });
}
