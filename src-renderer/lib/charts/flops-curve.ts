// Cumulative FLOPs against what full training would have spent by the same step. The store's stage table
// gives exact totals at every stage boundary; within a stage the cost per step is constant in expectation,
// so straight lines between boundaries are faithful. The newest live step extends both curves, and dashed
// lines project each to the end of the run (full training at its constant cost, the method at the
// schedule's expected saving).
import type { RunDetail } from '../../../shared/api-types.js';
import type { LiveStep } from '../../../shared/ipc-contract.js';
import type { XY } from './series-points.js';

export interface FlopsCurves {
  method: XY[];
  full: XY[];
  fullProjected: XY[];
  methodProjected: XY[];
}

export function flopsCurves(detail: RunDetail, latest: LiveStep | null): FlopsCurves {
  const method: XY[] = [{ x: 0, y: 0 }];
  const full: XY[] = [{ x: 0, y: 0 }];
  let cum = 0;
  let cumFull = 0;
  for (const stage of detail.stages) {
    cum += stage.flops;
    cumFull += stage.fullFlops;
    method.push({ x: stage.lastStep + 1, y: cum });
    full.push({ x: stage.lastStep + 1, y: cumFull });
  }
  const recordedTo = method[method.length - 1]!.x;
  if (latest && latest.step + 1 > recordedTo) {
    method.push({ x: latest.step + 1, y: latest.cumFlops });
    full.push({ x: latest.step + 1, y: latest.cumFullFlops });
  }
  const end = full[full.length - 1]!;
  const total = detail.summary.stepsTotal;
  const perStep = end.x > 0 ? end.y / end.x : 0;
  const projectedFull = perStep * total;
  const doneMethod = method[method.length - 1]!;
  const projectedMethod = Math.max(doneMethod.y, projectedFull / (detail.expectedRelativeFlops || 1));
  const unfinished = end.x > 0 && end.x < total;
  return {
    method,
    full,
    fullProjected: unfinished ? [end, { x: total, y: projectedFull }] : [],
    methodProjected: unfinished ? [doneMethod, { x: total, y: projectedMethod }] : [],
  };
}
