// The numbers of the `stability` study, read from the store: how droppable each block is at the end, the
// forecast beside the realized jump at every stage change, and a run's held-out loss at a given FLOPs.
import { blockOfDropKey, STABILITY_KEYS } from '../../shared/stability.js';
import type { TransitionRecord } from '../../shared/trainer-protocol.js';
import { evalSeries, listEvents, meanOverSteps, stepAtOrBefore, type Db } from '../store/index.js';

/** The last evaluation's drop loss of every block, and the full model's loss on the same batches. */
export interface FinalDrops {
  step: number;
  fullLoss: number;
  drops: number[];
}

export function finalDrops(db: Db, runId: string): FinalDrops | null {
  const series = evalSeries(db, runId, 'stability/');
  const full = series[STABILITY_KEYS.fullLoss]?.at(-1);
  if (!full || full.value === null) return null;
  const drops: number[] = [];
  for (const [key, points] of Object.entries(series)) {
    const block = blockOfDropKey(key);
    const last = points.at(-1);
    if (block !== null && last?.step === full.step) drops[block] = last.value ?? Number.NaN;
  }
  return { step: full.step, fullLoss: full.value, drops: Array.from(drops, (d) => d ?? Number.NaN) };
}

/**
 * The mean drop of the blocks between the first and the last, as a fraction of the full loss: how much a
 * typical inner block costs when it alone is left out (the first and last are RaPTr's fixed blocks).
 */
export function innerDropShare(final: FinalDrops): number {
  const inner = final.drops.slice(1, -1);
  return inner.reduce((a, b) => a + b, 0) / inner.length / final.fullLoss;
}

export interface ForecastRow {
  step: number;
  fromStage: number;
  toStage: number;
  /** Window means of the train loss after minus before. */
  realized: number;
  /** The same difference between the two windows before the change, where nothing changed (the trend). */
  trend: number | null;
  /** The forecast gap and the expected loss it is relative to; null when no forecast was made. */
  gap: number | null;
  stageLoss: number | null;
}

export function forecastRows(db: Db, runId: string): ForecastRow[] {
  return listEvents(db, runId, { kinds: ['transition'] }).map((e) => {
    const t = e.payload as Omit<TransitionRecord, 'type'>;
    const first = t.step - 2 * t.window;
    const older = first < 0 ? null : meanOverSteps(db, runId, 'train/loss', first, t.step - t.window - 1);
    return {
      step: t.step,
      fromStage: t.fromStage,
      toStage: t.toStage,
      realized: t.lossAfter - t.lossBefore,
      trend: older === null ? null : t.lossBefore - older,
      gap: t.forecast?.gap ?? null,
      stageLoss: t.forecast?.stageLoss ?? null,
    };
  });
}

/** The primary eval series against cumulative training FLOPs (at the step of each evaluation). */
export function evalAgainstFlops(
  db: Db,
  runId: string,
  key: string,
): Array<{ flops: number; value: number }> {
  return (evalSeries(db, runId)[key] ?? []).flatMap((p) => {
    const row = stepAtOrBefore(db, runId, p.step);
    return row && p.value !== null ? [{ flops: row.flops, value: p.value }] : [];
  });
}

/** The loss at `flops`, linear between the evaluations either side; null outside the evaluated range. */
export function lossAtFlops(
  points: ReadonlyArray<{ flops: number; value: number }>,
  flops: number,
): number | null {
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!];
    if (flops < a.flops || flops > b.flops) continue;
    return b.flops === a.flops
      ? b.value
      : a.value + ((flops - a.flops) / (b.flops - a.flops)) * (b.value - a.value);
  }
  return points.length === 1 && points[0]!.flops === flops ? points[0]!.value : null;
}
