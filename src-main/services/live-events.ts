// Live updates for windows and WebSocket clients, from the run manager's stream of trainer messages.
// Steps are batched per run and flushed at most every 100 ms, so a fast run sends about 10 messages a
// second, never one per step; status, eval, stage and log events go out as they happen (evals and
// stages flush the pending steps first, so a client always sees them in order). Device telemetry goes
// out as sampled, every few seconds. Runs trained by another process on the same database (a `raptr train`
// in a terminal) are announced from what it commits (external-writes.ts), as the same events.
import type { EventName, Events, LiveStep } from '../../shared/ipc-contract.js';
import { backendChangeText } from '../../shared/trainer-protocol.js';
import type { RunManager } from '../runs/run-manager.js';
import { watchExternalWrites } from './external-writes.js';

export type LiveListener = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface LiveEvents {
  subscribe(listener: LiveListener): () => void;
  close(): void;
}

export interface LiveEventOptions {
  flushMs?: number;
  /** How often the database is checked for other processes' writes. */
  pollMs?: number;
}

export function liveEvents(manager: RunManager, options: LiveEventOptions = {}): LiveEvents {
  const flushMs = options.flushMs ?? 100;
  const listeners = new Set<LiveListener>();
  const pending = new Map<string, LiveStep[]>();
  const send: LiveListener = (event, payload) => {
    for (const listener of listeners) listener(event, payload);
  };
  const flush = (runId: string) => {
    const steps = pending.get(runId);
    if (!steps || steps.length === 0) return;
    pending.delete(runId);
    send('run:metrics', { runId, steps });
  };
  const timer = setInterval(() => [...pending.keys()].forEach(flush), flushMs);
  timer.unref();
  const outside = watchExternalWrites(manager.db, send, {
    isLocal: (runId) => manager.isActive(runId),
    pollMs: options.pollMs,
  });

  const unsubscribe = manager.subscribe((event) => {
    const { runId } = event;
    if (event.type === 'status') {
      flush(runId);
      outside.noteStatus(runId, event.status);
      send('run:status', { runId, status: event.status });
      return;
    }
    const m = event.message;
    switch (m.type) {
      case 'step': {
        const { type: _type, stepFlops: _stepFlops, ...step } = m;
        const list = pending.get(runId) ?? [];
        list.push(step);
        pending.set(runId, list);
        return;
      }
      case 'eval':
        flush(runId);
        send('run:eval', { runId, step: m.step, stage: m.stage, reason: m.reason, results: m.results });
        return;
      case 'stage':
        flush(runId);
        send('run:stage', { runId, step: m.step, stage: m.stage });
        return;
      case 'log':
        send('run:log', { runId, level: m.level, message: m.message });
        return;
      case 'backend':
        // The run's CPU threads changed (runs share the cores); the header's device follows on its next poll.
        send('run:log', { runId, level: 'info', message: backendChangeText(m) });
        return;
      case 'error':
        send('run:log', { runId, level: 'error', message: m.message });
        return;
      case 'system':
        send('run:system', { runId, step: m.step, metrics: m.metrics });
        return;
      default:
        return;
    }
  });

  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      clearInterval(timer);
      outside.close();
      unsubscribe();
      listeners.clear();
    },
  };
}
