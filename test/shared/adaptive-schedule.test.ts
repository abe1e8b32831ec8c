// Adaptive stage lengths (experimental): the rule that ends a stage early or lets it run on, the step budget
// kept by re-sharing what is left, the limits, the settings' validation, and the state a resume needs.
import { describe, expect, it } from 'vitest';
import { StageSchedule } from '../../shared/adaptive-schedule.js';
import { resolveAdaptiveLengths } from '../../shared/config/adaptive.js';
import type { RunConfigInput } from '../../shared/config/schema.js';
import { formatIssues, mustParseRunConfig, parseRunConfig } from '../../shared/config/validate.js';
import { withStageEnd } from '../../shared/schedule.js';
import type { StageForecast, StagePlan } from '../../shared/trainer-protocol.js';

const adaptive = (schedule: Record<string, unknown> = {}, training: Record<string, unknown> = {}) =>
  ({
    task: { kind: 'polynomial' },
    model: { layers: 12 },
    optimizer: { warmupSteps: 0 },
    policy: { kind: 'raptr', schedule: { label: '6-8-10-12', lengths: 'adaptive', ...schedule } },
    training: { steps: 1000, evalEvery: 50, ...training },
  }) as RunConfigInput;

const bounds = (stages: readonly StagePlan[]) => stages.map((s) => [s.startStep, s.endStep]);
const forecast = (gap: number): StageForecast => ({ step: 0, stageLoss: 1, nextLoss: 1 + gap, gap });
const settledLoss = 1; // a flat eval loss: improved by 0%, less than delta

describe('withStageEnd', () => {
  it('moves one stage end and re-shares the rest in proportion, keeping the total', () => {
    const plan = new StageSchedule(mustParseRunConfig({ ...adaptive(), policy: { kind: 'raptr' } })).stages;
    expect(bounds(withStageEnd(plan, 0, 100))).toEqual([
      [0, 100],
      [100, 400],
      [400, 700],
      [700, 1000],
    ]);
    expect(bounds(withStageEnd(plan, 1, 400))).toEqual([
      [0, 250],
      [250, 400],
      [400, 700],
      [700, 1000],
    ]);
    expect(() => withStageEnd(plan, 0, 998)).toThrow(/3 stage\(s\) must fit/);
    expect(() => withStageEnd(plan, 3, 900)).toThrow(/cannot end at step 900/);
  });
});

describe('adaptive stage lengths', () => {
  it('start as equal stages, with documented defaults: min half and max twice the share', () => {
    const config = mustParseRunConfig(adaptive());
    expect(bounds(new StageSchedule(config).stages)).toEqual([
      [0, 250],
      [250, 500],
      [500, 750],
      [750, 1000],
    ]);
    if (config.policy.kind !== 'raptr') throw new Error('raptr expected');
    expect(resolveAdaptiveLengths(config.policy, 1000, 4)).toEqual({
      epsilon: 0,
      delta: 0.01,
      window: 2,
      minSteps: 125,
      maxSteps: 500,
    });
  });

  it('end a stage at an evaluation once the gap is below epsilon and the loss has stopped improving', () => {
    const schedule = new StageSchedule(mustParseRunConfig(adaptive()));
    // Too early (50 and 100 steps < minSteps 125), though settled.
    expect(schedule.afterEval(50, settledLoss, forecast(-0.1))).toBe('none');
    expect(schedule.afterEval(100, settledLoss, forecast(-0.1))).toBe('none');
    // Still improving by more than 1% over the last 2 evaluations.
    expect(schedule.afterEval(150, 0.9, forecast(-0.1))).toBe('none');
    expect(schedule.afterEval(200, 0.9, forecast(-0.1))).toBe('none');
    // Flat now, but the next stage is forecast to be worse (gap 2% > epsilon 0).
    expect(schedule.afterEval(250 - 0, 0.9, forecast(0.02))).toBe('extended');
    expect(bounds(schedule.stages)[0]).toEqual([0, 300]);
    expect(schedule.afterEval(300, 0.9, forecast(-0.01))).toBe('none'); // ends where planned now
    expect(bounds(schedule.stages)).toEqual([
      [0, 300],
      [300, 533],
      [533, 766],
      [766, 1000],
    ]);
  });

  it('cut a settled stage short, giving its steps to the stages after it', () => {
    const cut = new StageSchedule(mustParseRunConfig(adaptive()));
    expect(cut.afterEval(50, 1, forecast(-0.1))).toBe('none');
    expect(cut.afterEval(100, 1, forecast(-0.1))).toBe('none');
    expect(cut.afterEval(150, 1, forecast(-0.1))).toBe('ended');
    expect(bounds(cut.stages)).toEqual([
      [0, 150],
      [150, 433],
      [433, 716],
      [716, 1000],
    ]);
  });

  it('never run a stage past maxSteps, nor leave a later stage less than minSteps', () => {
    const config = mustParseRunConfig(adaptive({ adaptive: { minSteps: 200, maxSteps: 320 } }));
    const schedule = new StageSchedule(config);
    const changes = new Set<string>();
    // As the train loop does: an evaluation every evalEvery steps and at every stage end; never settled
    // (the next stage is always forecast 50% worse), so each adaptive stage runs to its deadline.
    for (let step = 0; step < 1000; step++) {
      const completed = step + 1;
      if (completed % 50 === 0 || completed === schedule.stageAt(step).endStep)
        changes.add(schedule.afterEval(completed, 1, forecast(0.5)));
    }
    expect(bounds(schedule.stages)).toEqual([
      [0, 320],
      [320, 600],
      [600, 800],
      [800, 1000],
    ]);
    expect(changes).toEqual(new Set(['none', 'extended']));

    // maxSteps below the equal share: every adaptive stage is held to it, the last takes the rest.
    const short = new StageSchedule(
      mustParseRunConfig(adaptive({ adaptive: { minSteps: 100, maxSteps: 200 } })),
    );
    for (let step = 0; step < 1000; step++) {
      const completed = step + 1;
      if (completed % 50 === 0 || completed === short.stageAt(step).endStep)
        short.afterEval(completed, 1, forecast(0.5));
    }
    expect(bounds(short.stages)).toEqual([
      [0, 200],
      [200, 400],
      [400, 600],
      [600, 1000],
    ]);
  });

  it('never touch the warm start, the last stage, or a schedule that is not adaptive', () => {
    const warm = new StageSchedule(mustParseRunConfig(adaptive({ initialFullSteps: 200 })));
    expect(bounds(warm.stages)[0]).toEqual([0, 200]);
    expect(warm.afterEval(200, 1, forecast(1))).toBe('none');
    const fixed = new StageSchedule(mustParseRunConfig(adaptive({ lengths: 'equal' })));
    expect(fixed.afterEval(250, 1, forecast(1))).toBe('none');
    const last = new StageSchedule(mustParseRunConfig(adaptive()));
    expect(last.afterEval(1000, 1, null)).toBe('none');
  });

  it('continue from a saved state exactly, and refuse a damaged one', () => {
    const config = mustParseRunConfig(adaptive());
    const first = new StageSchedule(config);
    first.afterEval(50, 1, forecast(-0.1));
    first.afterEval(100, 1, forecast(-0.1));
    const resumed = new StageSchedule(config, JSON.parse(JSON.stringify(first.state())));
    expect(first.afterEval(150, 1, forecast(-0.1))).toBe('ended');
    expect(resumed.afterEval(150, 1, forecast(-0.1))).toBe('ended');
    expect(resumed.stages).toEqual(first.stages);
    expect(() => new StageSchedule(config, { stages: [], stageEvals: {} })).toThrow();
  });
});

describe('adaptive settings validation', () => {
  const issues = (input: RunConfigInput) => {
    const result = parseRunConfig(input);
    return result.ok ? [] : formatIssues(result.issues);
  };

  it('names the field that stops a config from adapting', () => {
    expect(issues(adaptive({}, { evalEvery: 0 }))).toEqual([
      'training.evalEvery: adaptive stage lengths decide at evaluations: set evalEvery above 0',
    ]);
    expect(issues(adaptive({}, { stability: { enabled: false } }))).toEqual([
      "training.stability.enabled: adaptive stage lengths need the stability monitor's forecast: turn it on",
    ]);
    expect(issues(adaptive({ adaptive: { minSteps: 300 } }))).toEqual([
      'policy.schedule.adaptive.minSteps: 4 stages of at least 300 steps do not fit in 1000 steps',
    ]);
    expect(issues(adaptive({ adaptive: { minSteps: 200, maxSteps: 100 } }))).toEqual([
      'policy.schedule.adaptive.minSteps: 200 is above maxSteps (100)',
    ]);
    expect(
      issues(
        adaptive({
          label: undefined,
          stages: [
            { size: 6, steps: 500 },
            { size: 12, steps: 500 },
          ],
        }),
      ),
    ).toContain(
      'policy.schedule.stages: adaptive lengths decide how long each stage runs: give no steps or fraction',
    );
    expect(issues(adaptive({ lengths: 'equal', adaptive: { epsilon: 0.1 } }))).toEqual([
      'policy.schedule.adaptive: only used with lengths "adaptive"',
    ]);
    expect(issues(adaptive({ adaptive: { window: 0 } }))[0]).toMatch(/^policy\.schedule\.adaptive\.window: /);
    expect(issues(adaptive())).toEqual([]);
  });
});
