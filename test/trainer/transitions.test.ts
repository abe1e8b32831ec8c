import { describe, expect, it } from 'vitest';
import { TransitionTracker } from '../../src-main/trainer/transitions.js';

describe('transition records', () => {
  it('averages the window before and after each stage change', () => {
    const tracker = new TransitionTracker(3);
    const losses = [5, 4, 3, 2, /* stage 1 from step 4 */ 6, 5, 4, 3];
    const records = losses.flatMap((loss, step) => tracker.onStep(step, step < 4 ? 0 : 1, loss));
    expect(records).toEqual([
      {
        type: 'transition',
        step: 4,
        fromStage: 0,
        toStage: 1,
        window: 3,
        lossBefore: 3,
        lossAfter: 5,
        lastBefore: 2,
        firstAfter: 6,
        forecast: null,
      },
    ]);
    expect(tracker.flush()).toEqual([]);
  });

  it('closes a record with a shorter window when the run ends first', () => {
    const tracker = new TransitionTracker(10);
    [1, 1, 1].forEach((loss, step) => tracker.onStep(step, 0, loss));
    tracker.onStep(3, 1, 2);
    expect(tracker.flush()).toEqual([
      {
        type: 'transition',
        step: 3,
        fromStage: 0,
        toStage: 1,
        window: 1,
        lossBefore: 1,
        lossAfter: 2,
        lastBefore: 1,
        firstAfter: 2,
        forecast: null,
      },
    ]);
  });
});
