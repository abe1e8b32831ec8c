// Stage math for every policy: which stage each step belongs to and what a stage trains (RAPTR.md, "Schedule").
// Steps are 0-based; a stage covers [startStep, endStep); the stages cover [0, training.steps) exactly.
// `depth` is model.layers for every policy except stacking, whose model grows stage by stage.
import type { ExplicitStage, RaptrPolicy, RunConfig, StackingPolicy } from './config/schema.js';
import { parseSizeLabel, resolveLayers } from './config/validate.js';
import { pldMeanExpectedActive } from './pld.js';
import { apportionSteps, stageLengths } from './stage-lengths.js';
import type { StagePlan } from './trainer-protocol.js';
import { assertNever } from './trainer-protocol.js';

export { apportionSteps, stageLengths, type StageLengthMode } from './stage-lengths.js';

/**
 * p_s = (n_s - |I|) / (L - |I|): the inclusion probability of a free block that makes the expected number
 * of active blocks n_s. When the fixed set is every block there is nothing to sample and p is 1.
 */
export function probabilityFromSize(size: number, fixedCount: number, layers: number): number {
  if (fixedCount >= layers) return 1;
  if (size < fixedCount || size > layers)
    throw new RangeError(`size ${size} must be between the ${fixedCount} fixed blocks and ${layers} layers`);
  return (size - fixedCount) / (layers - fixedCount);
}

/** E[active] for a stage where `fixedCount` blocks always run and the rest each run with probability p. */
function expectedActiveFor(p: number, fixedCount: number, layers: number): number {
  return fixedCount >= layers ? layers : fixedCount + p * (layers - fixedCount);
}

const formatP = (p: number) => `p=${p.toFixed(2)}`;

/** Lays stages of the given lengths end to end from `startStep`, numbering them from `firstIndex`. */
function layOut(
  lengths: number[],
  startStep: number,
  firstIndex: number,
  describe: (s: number) => Omit<StagePlan, 'index' | 'startStep' | 'endStep'>,
): StagePlan[] {
  let step = startStep;
  return lengths.map((length, s) => {
    const stage = { index: firstIndex + s, startStep: step, endStep: step + length, ...describe(s) };
    step += length;
    return stage;
  });
}

function raptrStages(policy: RaptrPolicy, layers: number, totalSteps: number): StagePlan[] {
  const { schedule } = policy;
  const warmSteps = schedule.initialFullSteps;
  const stageSteps = totalSteps - warmSteps;
  const scheduleFixed = resolveLayers(schedule.fixed, layers);
  const out: StagePlan[] = [];
  if (warmSteps > 0)
    out.push({
      index: 0,
      label: 'warm start (full)',
      startStep: 0,
      endStep: warmSteps,
      p: 1,
      expectedActive: layers,
      fixed: scheduleFixed,
      depth: layers,
    });

  // A label is the explicit form with equal/proportional lengths and one size per stage.
  const explicit = explicitStages(schedule);
  const count = explicit.length;
  const lengths = explicitLengths(explicit, stageSteps, schedule.lengths);
  return out.concat(
    layOut(lengths, warmSteps, out.length, (s) => {
      const stage = explicit[s]!;
      const fixed = stage.fixed ? resolveLayers(stage.fixed, layers) : scheduleFixed;
      const allFixed = fixed.length >= layers;
      const p = allFixed ? 1 : (stage.p ?? probabilityFromSize(stage.size ?? layers, fixed.length, layers));
      // Keep the user's n_s exactly (no float round trip through p) when the stage was given by size.
      const expectedActive = allFixed ? layers : (stage.size ?? expectedActiveFor(p, fixed.length, layers));
      return { label: `stage ${s + 1} of ${count} · ${formatP(p)}`, p, expectedActive, fixed, depth: layers };
    }),
  );
}

function explicitStages(schedule: RaptrPolicy['schedule']): ExplicitStage[] {
  if (schedule.stages) return schedule.stages;
  if (schedule.label !== undefined) return parseSizeLabel(schedule.label).map((size) => ({ size }));
  throw new Error('a raptr schedule needs a size label or explicit stages'); // the schema refuses this
}

function explicitLengths(
  stages: ExplicitStage[],
  total: number,
  mode: RaptrPolicy['schedule']['lengths'],
): number[] {
  // Validation guarantees all-or-none for steps and for fractions, and that steps sum to `total`.
  if (stages.every((s) => s.steps !== undefined)) return stages.map((s) => s.steps!);
  if (stages.every((s) => s.fraction !== undefined))
    return apportionSteps(
      total,
      stages.map((s) => s.fraction!),
    );
  // Adaptive lengths start from equal shares; the trainer moves the ends (shared/adaptive-schedule.ts).
  return stageLengths(total, stages.length, mode === 'proportional' ? 'proportional' : 'equal');
}

function stackingStages(policy: StackingPolicy, totalSteps: number): StagePlan[] {
  const depths = parseSizeLabel(policy.label);
  const lengths = stageLengths(totalSteps, depths.length, policy.lengths);
  return layOut(lengths, 0, 0, (s) => {
    const depth = depths[s]!;
    return {
      label: `stage ${s + 1} of ${depths.length} · depth ${depth}`,
      p: 1,
      expectedActive: depth,
      fixed: [],
      depth,
    };
  });
}

/** One stage covering the whole run. */
function singleStage(totalSteps: number, stage: Omit<StagePlan, 'index' | 'startStep' | 'endStep'>) {
  return [{ index: 0, startStep: 0, endStep: totalSteps, ...stage }];
}

/**
 * The stage plan of a validated config.
 * - full: one stage, p = 1.
 * - raptr: an optional "warm start (full)" stage of initialFullSteps, then one stage per label size or
 *   explicit stage (p from size, fixed set resolved, negatives from the top).
 * - pld: one stage whose expectedActive is the run average of sum_i p_i(t) over steps 0..T-1, and whose p is
 *   that average divided by L (the mean keep probability of a block). Per-step values come from shared/pld.ts;
 *   the averages make sum over stages of (T_s * expectedActive) equal the run's expected block count.
 * - stochastic-depth: one stage, p = keepProb, its own fixed set.
 * - stacking: one stage per depth of the label, every block of that depth active.
 */
export function planStages(config: RunConfig): StagePlan[] {
  const { policy } = config;
  const layers = config.model.layers;
  const totalSteps = config.training.steps;
  switch (policy.kind) {
    case 'full':
      return singleStage(totalSteps, {
        label: 'full training',
        p: 1,
        expectedActive: layers,
        fixed: [],
        depth: layers,
      });
    case 'raptr':
      return raptrStages(policy, layers, totalSteps);
    case 'pld': {
      const expectedActive = pldMeanExpectedActive(policy, layers, totalSteps);
      const p = expectedActive / layers;
      return singleStage(totalSteps, {
        label: `progressive layer dropping · mean ${formatP(p)}`,
        p,
        expectedActive,
        fixed: [],
        depth: layers,
      });
    }
    case 'stochastic-depth': {
      const fixed = resolveLayers(policy.fixed, layers);
      const p = fixed.length >= layers ? 1 : policy.keepProb;
      return singleStage(totalSteps, {
        label: `stochastic depth · ${formatP(p)}`,
        p,
        expectedActive: expectedActiveFor(p, fixed.length, layers),
        fixed,
        depth: layers,
      });
    }
    case 'stacking':
      return stackingStages(policy, totalSteps);
    default:
      return assertNever(policy, 'policy');
  }
}

/**
 * The plan with stage `index` ending at `endStep` instead, and the stages after it sharing the steps left
 * up to the run's end in proportion to their current lengths (remainders as in stage-lengths.ts): the total
 * is kept, and equal stages stay equal. The stages before it are unchanged.
 */
export function withStageEnd(stages: readonly StagePlan[], index: number, endStep: number): StagePlan[] {
  const stage = stages[index];
  if (!stage) throw new RangeError(`no stage ${index}`);
  const later = stages.slice(index + 1);
  const runEnd = stages[stages.length - 1]!.endStep;
  const fits = later.length === 0 ? endStep === runEnd : runEnd - endStep >= later.length;
  if (endStep <= stage.startStep || !fits)
    throw new RangeError(
      `stage ${index} cannot end at step ${endStep}: it starts at ${stage.startStep} and ${later.length} stage(s) must fit before ${runEnd}`,
    );
  const lengths =
    later.length === 0
      ? []
      : apportionSteps(
          runEnd - endStep,
          later.map((s) => s.endStep - s.startStep),
        );
  let step = endStep;
  const moved = later.map((s, i) => {
    const next = { ...s, startStep: step, endStep: step + lengths[i]! };
    step = next.endStep;
    return next;
  });
  return [...stages.slice(0, index), { ...stage, endStep }, ...moved];
}

/**
 * The index (into `stages`) of the stage that contains `step`. Steps at or past the end belong to the
 * last stage, because the final evaluation is reported at step T.
 */
export function stageIndexAt(stages: readonly StagePlan[], step: number): number {
  if (stages.length === 0) throw new RangeError('no stages');
  if (step < stages[0]!.startStep) throw new RangeError(`step ${step} is before the first stage`);
  // Binary search: the last stage whose startStep <= step.
  let lo = 0;
  let hi = stages.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (stages[mid]!.startStep <= step) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
