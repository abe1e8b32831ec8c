// Steps onto the other x-axes (tokens, FLOPs, wall time), for what is planned or summarized in steps: stage
// bands and the FLOPs curve. The run's stage marks (the step rows at each stage start and the newest step)
// and the latest live step are exact points; between them a straight line is faithful (the cost per step is
// constant within a stage), and past the last one the last segment's slope is continued.
import type { StageSummary, StepMark, XAxis } from '../../../shared/api-types.js';
import type { LiveStep } from '../../../shared/ipc-contract.js';
import type { StageBand } from './stage-bands.js';

function markX(mark: StepMark, axis: XAxis): number {
  return axis === 'step'
    ? mark.step
    : axis === 'tokens'
      ? mark.tokens
      : axis === 'flops'
        ? mark.flops
        : mark.wallMs;
}

export function marksWithLatest(marks: readonly StepMark[], latest: LiveStep | null): StepMark[] {
  const all = [...marks];
  if (latest && latest.step > (all.at(-1)?.step ?? -1))
    all.push({ step: latest.step, tokens: latest.tokens, flops: latest.cumFlops, wallMs: latest.wallMs });
  return all;
}

/** A function from step to `axis`, through the marks; identity on the step axis. */
export function stepToAxis(marks: readonly StepMark[], axis: XAxis): (step: number) => number {
  if (axis === 'step' || marks.length === 0) return (step) => step;
  const origin: StepMark = { step: 0, tokens: 0, flops: 0, wallMs: 0 };
  const points = marks[0]!.step > 0 ? [origin, ...marks] : [...marks];
  return (step) => {
    let i = 1;
    while (i < points.length - 1 && points[i]!.step < step) i++;
    const a = points[Math.max(0, i - 1)]!;
    const b = points[i] ?? a;
    if (b.step === a.step) return markX(b, axis);
    return markX(a, axis) + ((step - a.step) / (b.step - a.step)) * (markX(b, axis) - markX(a, axis));
  };
}

/**
 * Stage bands on a real axis: the stages the run has reached, from each one's first step to the next one's
 * (the last to the newest step). Stages not reached yet have no place on wall time or FLOPs and are left out.
 */
export function bandsOnAxis(
  planned: readonly StageBand[],
  stages: readonly StageSummary[],
  marks: readonly StepMark[],
  axis: XAxis,
): StageBand[] {
  const toX = stepToAxis(marks, axis);
  const newest = marks.at(-1);
  return stages.flatMap((stage, i) => {
    const band = planned.find((b) => b.index === stage.stage);
    if (!band || !newest) return [];
    const next = stages[i + 1];
    return [
      {
        ...band,
        start: toX(stage.firstStep),
        end: next ? toX(next.firstStep) : markX(newest, axis),
        reached: true,
      },
    ];
  });
}
