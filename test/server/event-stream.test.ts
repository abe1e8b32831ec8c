// The renderer's live-event stream: closing the socket because no view listens is not a lost connection.
import { describe, expect, it, vi } from 'vitest';
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

describe('event stream', () => {
  it('keeps one socket across a view change and reports no disconnect for an idle close', () => {
    vi.useFakeTimers();
    FakeSocket.opened = [];
    const changes: boolean[] = [];
    const stream = createEventStream(
      () => new FakeSocket(),
      {},
      (up) => changes.push(up),
    );
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
    vi.useRealTimers();
  });

  it('reports a real loss and the reconnect', () => {
    vi.useFakeTimers();
    FakeSocket.opened = [];
    const changes: boolean[] = [];
    const stream = createEventStream(
      () => new FakeSocket(),
      { initialMs: 10, maxMs: 10 },
      (up) => changes.push(up),
    );
    stream.subscribe('run:status', () => {});
    FakeSocket.opened[0]!.fire('open');
    FakeSocket.opened[0]!.fire('close'); // the server went away
    vi.advanceTimersByTime(20);
    FakeSocket.opened[1]!.fire('open');
    expect(changes).toEqual([true, false, true]);
    vi.useRealTimers();
  });
});
