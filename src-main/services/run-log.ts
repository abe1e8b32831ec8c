// A run's log as the run page shows it: what the trainer said (its log lines and errors) between the
// milestones of its timeline, each told in one line: the start (device, size, a resume), stage changes,
// evaluations, the loss around stage transitions, checkpoints, and the end.
import { formatMetric, formatSi } from '../../shared/format.js';
import { metricLabel } from '../../shared/metrics.js';
import type { LogEntry } from '../../shared/api-types.js';
import { listEvents, mustGetRun, type Db, type RunEvent } from '../store/index.js';

type Payload = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);

function describe(event: RunEvent): Pick<LogEntry, 'level' | 'message'> | null {
  const p = (event.payload ?? {}) as Payload;
  switch (event.kind) {
    case 'log':
      return { level: p.level === 'warn' ? 'warn' : 'info', message: String(p.message ?? '') };
    case 'error':
      return { level: 'error', message: String(p.message ?? JSON.stringify(p)) };
    case 'stage': {
      const expected = num(p.expectedActive);
      return {
        level: 'info',
        message: `${String(p.label ?? `stage ${num(p.index) + 1}`)} begins: p=${num(p.p).toFixed(2)}, ${Number(expected.toFixed(2))} blocks expected`,
      };
    }
    case 'eval': {
      const results = (Array.isArray(p.results) ? p.results : []) as Array<{
        name: string;
        value: number | null;
      }>;
      const shown = results.map(
        (r) => `${metricLabel(r.name)} ${r.value === null ? 'NaN' : formatMetric(r.value)}`,
      );
      return { level: 'info', message: `eval (${String(p.reason ?? 'periodic')}): ${shown.join(', ')}` };
    }
    case 'transition': {
      const before = num(p.lossBefore);
      const after = num(p.lossAfter);
      const change = before !== 0 ? ((after - before) / before) * 100 : Number.NaN;
      return {
        level: 'info',
        message: `stage ${num(p.fromStage) + 1} → ${num(p.toStage) + 1}: train loss ${formatMetric(before)} → ${formatMetric(after)} (${change >= 0 ? '+' : ''}${change.toFixed(1)}%, ${num(p.window)}-step means)`,
      };
    }
    case 'checkpoint':
      return { level: 'info', message: `checkpoint written (${formatSi(num(p.bytes), 'B')})` };
    case 'status': {
      if (p.trainer === 'start') {
        const backend = (p.backend ?? {}) as Payload;
        const resumed = p.resumedFromStep;
        return {
          level: 'info',
          message:
            `started on ${String(backend.device ?? 'an unknown device')} (${String(backend.name ?? '?')}), ` +
            `${formatSi(num(p.parameterCount))} parameters` +
            (typeof resumed === 'number' ? `, resumed from step ${resumed}` : ''),
        };
      }
      if (p.trainer === 'done')
        return { level: 'info', message: `${String(p.status ?? 'done')} after ${num(p.step)} steps` };
      return null;
    }
  }
}

/** The newest `limit` lines, oldest first; `afterId` asks only for what came after an earlier read. */
export function runLogs(db: Db, runId: string, afterId = 0, limit = 2000): LogEntry[] {
  mustGetRun(db, runId);
  const events = listEvents(db, runId, {
    kinds: ['log', 'error', 'stage', 'eval', 'transition', 'checkpoint', 'status'],
    afterId,
    limit: 1_000_000,
  });
  const lines: LogEntry[] = [];
  for (const event of events) {
    const line = describe(event);
    if (line) lines.push({ id: event.id, time: event.time, step: event.step, ...line });
  }
  return lines.slice(-limit);
}
