// The run page's stability view against a fake API: the drop-loss heatmap (blocks x evaluations, filled
// from the stored series, then live from each evaluation, a hovered cell's value), the transitions table's
// forecast beside the realized jump, and the pure pieces behind the heatmap and the forecast chart.
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { RunDetail, SeriesResult } from '../../shared/api-types.js';
import { dropBlockKey, STABILITY_KEYS } from '../../shared/stability.js';
import StabilityHeatmap from '../../src-renderer/components/StabilityHeatmap.svelte';
import TransitionTable from '../../src-renderer/components/TransitionTable.svelte';
import {
  cellAt,
  dropCells,
  dropColumns,
  dropScale,
  withEvaluation,
} from '../../src-renderer/lib/charts/drop-heatmap.js';
import { groupEvalKeys } from '../../src-renderer/lib/state/eval-groups.js';
import { RunLive } from '../../src-renderer/lib/state/run-live.svelte.js';
import { fakeApi } from './fake-api.js';

const raw = (key: string, xs: number[], ys: number[]): SeriesResult => ({
  key,
  mode: 'raw',
  cellSteps: 0,
  width: 0,
  x: xs,
  min: ys,
  max: ys,
  mean: ys,
  count: xs.map(() => 1),
  xFirst: xs,
  xLast: xs,
});

const plan = [
  {
    index: 0,
    label: 'stage 1 of 2 · p=0.50',
    startStep: 0,
    endStep: 50,
    p: 0.5,
    expectedActive: 2,
    fixed: [0],
    depth: 3,
  },
  {
    index: 1,
    label: 'stage 2 of 2 · p=1',
    startStep: 50,
    endStep: 100,
    p: 1,
    expectedActive: 3,
    fixed: [0],
    depth: 3,
  },
];

/** Three evaluations (steps 24, 49, 74) of a 3-block run; block 1 is nearly free to drop, block 0 is not. */
const stored: Record<string, number[]> = {
  [dropBlockKey(0)]: [0.9, 1.1, 1.3],
  [dropBlockKey(1)]: [0.02, -0.01, 0.005],
  [dropBlockKey(2)]: [0.3, 0.25, 0.2],
  [STABILITY_KEYS.fullLoss]: [2, 1.8, 1.6],
};

function setup(config: unknown = { training: {} }, keys = Object.keys(stored)) {
  const fake = fakeApi({
    'runs:get': () =>
      ({
        run: { status: 'running', backend: null, config },
        summary: { stepsDone: 75, stepsTotal: 100, wallMs: 300 },
        plannedStages: plan,
      }) as never,
    'metrics:keys': () => ['train/loss', 'eval/loss', ...keys],
    'metrics:series': ({ keys }) => keys.map((k) => raw(k, [24, 49, 74], stored[k] ?? [3, 2, 1])),
    'metrics:masks': () => [],
  });
  const live = new RunLive(fake.api, 'r1');
  return { fake, live };
}

describe('drop-loss heatmap', () => {
  it('draws one column per evaluation and one row per block from the stored series, then each new evaluation', async () => {
    const { fake, live } = setup();
    await live.load();
    render(StabilityHeatmap, { api: fake.api, live });
    const canvas = await screen.findByLabelText('Drop loss of each of 3 blocks at 3 evaluations');
    // Only the drop series were asked for, not the other stability or eval series.
    const asked = fake.calls.filter((c) => c.channel === 'metrics:series').at(-1)!.request as {
      keys: string[];
    };
    expect(asked.keys.sort()).toEqual([0, 1, 2].map(dropBlockKey));
    expect(screen.getByTestId('stability-heatmap').textContent).toContain('step 75');

    fake.emit('run:eval', {
      runId: 'r1',
      step: 99,
      stage: 1,
      reason: 'final',
      results: [
        { name: 'eval/loss', value: 1.5 },
        ...[1.4, 0.001, 0.18].map((value, i) => ({ name: dropBlockKey(i), value })),
      ],
    } as never);
    fake.emit('run:eval', { runId: 'other', step: 99, stage: 1, reason: 'final', results: [] } as never);
    await screen.findByLabelText('Drop loss of each of 3 blocks at 4 evaluations');
    expect(canvas.isConnected).toBe(true);

    // jsdom lays nothing out: give the canvas a box (the stage strip is the top 18 px) and point at block 0
    // in the last column.
    canvas.getBoundingClientRect = () =>
      ({ left: 0, top: 0, right: 400, bottom: 118, width: 400, height: 118 }) as DOMRect;
    await fireEvent.pointerMove(canvas, { clientX: 390, clientY: 110 });
    expect((await screen.findByTestId('stability-hover')).textContent).toBe('block 0, step 100: +1.4');
    await fireEvent.pointerMove(canvas, { clientX: 10, clientY: 30 }); // block 2, first column
    expect(screen.getByTestId('stability-hover').textContent).toBe('block 2, step 25: +0.3');
  });

  it('says why it is empty: the monitor is off for this run, or no evaluation has run yet', async () => {
    const off = setup({ training: { stability: { enabled: false } } }, []);
    await off.live.load();
    const view = render(StabilityHeatmap, { api: off.fake.api, live: off.live });
    expect(await screen.findByText(/The stability monitor is off for this run/)).toBeTruthy();
    view.unmount();

    const waiting = setup(undefined, []);
    await waiting.live.load();
    render(StabilityHeatmap, { api: waiting.fake.api, live: waiting.live });
    expect(await screen.findByText('The drop losses appear with the first evaluation.')).toBeTruthy();
  });
});

describe('drop-heatmap geometry', () => {
  it('groups the series by evaluation, replaces a re-sent evaluation, and spans each cell from the previous one', () => {
    const columns = dropColumns({
      [dropBlockKey(1)]: [
        { x: 9, y: 0.5 },
        { x: 19, y: 0.4 },
      ],
      [dropBlockKey(0)]: [{ x: 19, y: 2 }],
      [STABILITY_KEYS.fullLoss]: [{ x: 9, y: 3 }],
    });
    expect(columns).toEqual([
      { step: 9, drops: [null, 0.5] }, // block 0 not measured at step 9
      { step: 19, drops: [2, 0.4] },
    ]);
    const again = withEvaluation(columns, 19, [{ name: dropBlockKey(0), value: 1 }]);
    expect(again.map((c) => c.step)).toEqual([9, 19]);
    expect(again[1]!.drops).toEqual([1]);
    expect(withEvaluation(columns, 29, [{ name: 'eval/loss', value: 1 }])).toEqual(columns);

    const cells = dropCells(columns);
    expect(cellAt(cells, 2, 0, 0.7)).toMatchObject({ block: 1, fromStep: 0, toStep: 9, value: 0.5 });
    expect(cellAt(cells, 2, 15, 0.2)).toMatchObject({ block: 0, fromStep: 10, toStep: 19, value: 2 });
    expect(cellAt(cells, 2, 25, 0.2)).toBeNull();
  });

  it('colours on a log scale that keeps both the large and the typical drops readable', () => {
    const scale = dropScale([{ step: 0, drops: [4, 0.01, 0.02, 0.03, -0.02] }]);
    expect(scale.largest).toBe(4);
    expect(scale.typical).toBe(0.02);
    expect(scale.intensity(4)).toBe(1);
    expect(scale.intensity(-4)).toBe(1);
    expect(scale.intensity(0.02)).toBeGreaterThan(0.15); // linear would give 0.005
    expect(scale.intensity(0.02)).toBeLessThan(0.5);
    expect(dropScale([]).intensity(1)).toBe(0);
  });
});

describe('forecast chart', () => {
  it("puts the next stage's expected loss beside this stage's and the full model's; drop series are not charts", () => {
    const groups = groupEvalKeys([
      'eval/loss',
      ...Object.keys(stored),
      STABILITY_KEYS.stageLoss,
      STABILITY_KEYS.nextStageLoss,
      STABILITY_KEYS.nextStageGap,
    ]);
    expect(groups.map((g) => [g.id, g.lines.map((l) => l.key + (l.reference ? '*' : ''))])).toEqual([
      ['loss', ['eval/loss']],
      [
        'stability-forecast',
        [STABILITY_KEYS.nextStageLoss, STABILITY_KEYS.stageLoss, `${STABILITY_KEYS.fullLoss}*`],
      ],
    ]);
    // A run without a forecast (full training) charts no stability series at all.
    expect(groupEvalKeys(['eval/loss', STABILITY_KEYS.fullLoss]).map((g) => g.id)).toEqual(['loss']);
  });
});

describe('transitions table', () => {
  const transition = {
    step: 50,
    fromStage: 0,
    toStage: 1,
    window: 10,
    lossBefore: 2,
    lossAfter: 2.3,
    lastBefore: 1.95,
    firstAfter: 2.4,
  };

  it('shows the forecast beside the realized jump, and a dash where none was made', () => {
    const detail = {
      plannedStages: plan,
      transitions: [
        { ...transition, forecast: { step: 49, stageLoss: 1.8, nextLoss: 2.16, gap: 0.36 } },
        { ...transition, step: 80, forecast: null },
      ],
    } as unknown as RunDetail;
    render(TransitionTable, { detail });
    const rows = within(screen.getByTestId('transition-table')).getAllByRole('row');
    const cells = (row: HTMLElement) =>
      [...row.querySelectorAll('td')].map((td) => td.textContent!.replace(/\s+/g, ' ').trim());
    expect(cells(rows[1]!).slice(0, 6)).toEqual(['stage 1 → stage 2', '50', '2', '2.3', '+0.3', '+15.0%']);
    expect(cells(rows[1]!)[6]).toBe('+0.36 (+20.0% at step 50)');
    expect(cells(rows[2]!)[6]).toBe('–');
  });
});
