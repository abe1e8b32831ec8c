// The renderer's live-event stream: closing the socket because no view listens is not a lost connection.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEventStream, type EventSocket } from '../../src-renderer/lib/api/event-stream.js';

class FakeSocket implements EventSocket {
  static opened: FakeSocket[] = [];
  closed = false;
  private readonly handlers = new Map<string, Array<(event: { data: unknown }) => void>>();
  constructor() {
    FakeSocket.opened.push(this);
  }
  addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
    this.handlers.set(type, [...(this.handlers.get(type) ?? []), listener]);
  }
  fire(type: string, data?: unknown): void {
    for (const h of this.handlers.get(type) ?? []) h({ data });
  }
  close(): void {
    this.closed = true;
  }
}

/** A stream over fake sockets (none opened yet), with every connected/disconnected change it reports. */
function fakeStream(reconnect: Parameters<typeof createEventStream>[1] = {}) {
  FakeSocket.opened = [];
  const changes: boolean[] = [];
  const stream = createEventStream(
    () => new FakeSocket(),
    reconnect,
    (up) => changes.push(up),
  );
  return { stream, changes };
}

describe('event stream', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps one socket across a view change and reports no disconnect for an idle close', () => {
    const { stream, changes } = fakeStream();
    const off = stream.subscribe('run:status', () => {});
    FakeSocket.opened[0]!.fire('open');
    off(); // the old view unmounts...
    const offNext = stream.subscribe('run:metrics', () => {}); // ...and the next one mounts at once
    vi.advanceTimersByTime(5000);
    expect(FakeSocket.opened).toHaveLength(1);
    expect(FakeSocket.opened[0]!.closed).toBe(false);
    offNext();
    vi.advanceTimersByTime(2500); // nobody listens any more: closed, quietly
    expect(FakeSocket.opened[0]!.closed).toBe(true);
    expect(changes).toEqual([true]);
  });

  it('reports a real loss and the reconnect', () => {
    const { stream, changes } = fakeStream({ initialMs: 10, maxMs: 10 });
    stream.subscribe('run:status', () => {});
    FakeSocket.opened[0]!.fire('open');
    FakeSocket.opened[0]!.fire('close'); // the server went away
    vi.advanceTimersByTime(20);
    FakeSocket.opened[1]!.fire('open');
    expect(changes).toEqual([true, false, true]);
  });
});
