// The pure pieces behind the run manager's views: sorting and grouping the runs table, chart choices in the
// address, steps mapped onto the other x-axes, the nearest point per series, legend groups, PNG export with
// its legend, and the export dialog's checks.
import { describe, expect, it, vi } from 'vitest';
import type { RunSummary, StageSummary, StepMark } from '../../shared/api-types.js';
import { bandsOnAxis, stepToAxis } from '../../src-renderer/lib/charts/axis-map.js';
import {
  applyView,
  chartPng,
  type LineChart,
} from '../../src-renderer/lib/charts/chart-attachment.svelte.js';
import { ChartView } from '../../src-renderer/lib/charts/chart-view.svelte.js';
import { bandDatasets } from '../../src-renderer/lib/charts/datasets.js';
import { nearestIndex } from '../../src-renderer/lib/charts/nearest-x.js';
import { emptyBand } from '../../src-renderer/lib/charts/series-points.js';
import { parseRoute, routeHref } from '../../src-renderer/lib/router/routes.js';
import { changedNames } from '../../src-renderer/lib/router/url-sync.svelte.js';
import { ChartViews } from '../../src-renderer/lib/state/chart-views.svelte.js';
import { parseTarget } from '../../src-renderer/lib/state/compare-group.svelte.js';
import { dialogMessage, nameProblem } from '../../src-renderer/lib/state/export-form.svelte.js';
import { columnLabel, groupRuns, sortRuns } from '../../src-renderer/lib/state/runs-table.js';

const run = (id: string, patch: Partial<RunSummary> = {}) =>
  ({
    id,
    name: id,
    status: 'completed',
    policy: 'raptr',
    tags: [],
    createdAt: 0,
    stepsDone: 0,
    fullFlops: 0,
    flopsSaved: 0,
    bestEvalLoss: null,
    ...patch,
  }) as RunSummary;

describe('runs table', () => {
  it('sorts by any column, missing values last in either direction', () => {
    const runs = [
      run('a', { bestEvalLoss: 3 }),
      run('b', { bestEvalLoss: null }),
      run('c', { bestEvalLoss: 2, columns: { 'config:model.layers': 12 } }),
      run('d', { columns: { 'config:model.layers': 6 } }),
    ];
    expect(sortRuns(runs, 'best', 'asc').map((r) => r.id)).toEqual(['c', 'a', 'b', 'd']);
    expect(sortRuns(runs, 'best', 'desc').map((r) => r.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(
      sortRuns(runs, 'config:model.layers', 'asc')
        .map((r) => r.id)
        .slice(0, 2),
    ).toEqual(['d', 'c']);
    expect(sortRuns([run('x10'), run('x9')], 'name', 'asc').map((r) => r.id)).toEqual(['x9', 'x10']);
    expect(columnLabel('best:eval/mlm_loss')).toBe('best eval MLM loss');
    expect(columnLabel('config:policy.kind')).toBe('policy.kind');
  });

  it('groups by tag (a run under each of its tags), policy or study, the rest last', () => {
    const runs = [
      run('a', { tags: ['x', 'study:poly'] }),
      run('b', { tags: ['x', 'y'], policy: 'full' }),
      run('c'),
    ];
    expect(groupRuns(runs, 'tag').map((g) => [g.name, g.runs.map((r) => r.id)])).toEqual([
      ['x', ['a', 'b']],
      ['y', ['b']],
      ['no tag', ['c']],
    ]);
    expect(groupRuns(runs, 'study').map((g) => g.name)).toEqual(['poly', 'no study']);
    expect(groupRuns(runs, 'policy').map((g) => g.name)).toEqual(['raptr', 'full']);
  });
});

describe('view state in the address', () => {
  it('keeps the runs table and the run page state in their links', () => {
    const runs = parseRoute('#/runs?sort=best.asc&cols=config%3Amodel.layers&group=tag');
    expect(runs).toEqual({
      view: 'runs',
      params: { sort: 'best.asc', cols: 'config:model.layers', group: 'tag' },
    });
    expect(parseRoute(routeHref(runs))).toEqual(runs);
    const page = parseRoute('#/run/abc?tab=log&c.loss=flops%2Clog');
    expect(page).toEqual({ view: 'run', id: 'abc', params: { tab: 'log', 'c.loss': 'flops,log' } });
    expect(changedNames({ a: '1', b: '2' }, { a: '1', c: '3' })).toEqual(['b', 'c']);
  });

  it('writes only the charts that differ from their defaults, and applies params to charts made later', () => {
    const charts = new ChartViews();
    charts.applyParams({ 'c.eval-loss': 'wall,lin', smooth: '0.9' });
    const loss = charts.view('loss');
    loss.xAxis = 'flops';
    loss.logY = true;
    const evals = charts.view('eval-loss', { logY: true }); // drawn later, with a log default
    expect([evals.xAxis, evals.logY]).toEqual(['wall', false]);
    expect(charts.params()).toEqual({ 'c.loss': 'flops,log', 'c.eval-loss': 'wall,lin', smooth: '0.9' });
    charts.applyParams({});
    expect([loss.xAxis, loss.logY, evals.logY, charts.smoothing]).toEqual(['step', false, true, 0.6]);
  });
});

describe('x-axes', () => {
  const marks: StepMark[] = [
    { step: 0, tokens: 0, flops: 0, wallMs: 0 },
    { step: 100, tokens: 1000, flops: 50, wallMs: 10 },
    { step: 200, tokens: 2000, flops: 150, wallMs: 30 },
  ];

  it('maps steps onto tokens, FLOPs and wall time through the stage marks', () => {
    expect(stepToAxis(marks, 'flops')(150)).toBe(100);
    expect(stepToAxis(marks, 'wall')(300)).toBe(50); // past the last mark: the last slope continues
    expect(stepToAxis(marks, 'step')(123)).toBe(123);
  });

  it('draws the reached stages as bands on a real axis', () => {
    const stages = [
      { stage: 0, firstStep: 0 },
      { stage: 1, firstStep: 100 },
    ] as StageSummary[];
    const planned = [0, 1, 2].map((index) => ({
      index,
      start: index * 100,
      end: index * 100 + 100,
      title: `stage ${index + 1}`,
      subtitle: '',
      reached: index < 2,
    }));
    expect(bandsOnAxis(planned, stages, marks, 'flops').map((b) => [b.title, b.start, b.end])).toEqual([
      ['stage 1', 0, 50],
      ['stage 2', 50, 150],
    ]);
  });
});

describe('charts', () => {
  it('finds the point nearest the cursor in each series', () => {
    expect(nearestIndex([0, 10, 20, 30], 14)).toBe(1);
    expect(nearestIndex([0, 10, 20, 30], 16)).toBe(2);
    expect(nearestIndex([0, 10], 99)).toBe(1);
    expect(nearestIndex([], 1)).toBe(-1);
  });

  it('hides a series with its band and raw trace, and a legend click toggles the whole group', () => {
    const datasets = [
      ...bandDatasets(emptyBand(), { label: 'train loss', color: '#2563eb', smoothing: 0.6, rawAlpha: 0.2 }),
      ...bandDatasets(emptyBand(), { label: 'other', color: '#d9480f', smoothing: 0.6, rawAlpha: 0.2 }),
    ];
    const options = { plugins: { legend: {} } };
    const chart = { data: { datasets }, config: { options }, canvas: { dataset: {} } };
    const view = new ChartView('loss');
    view.toggle('train loss');
    applyView(chart as unknown as LineChart, view);
    expect(datasets.map((d) => Boolean(d.hidden))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect((chart.canvas.dataset as Record<string, string>).visible).toBe('4');
    const onClick = (options.plugins.legend as { onClick: (e: unknown, item: { text: string }) => void })
      .onClick;
    onClick(null, { text: 'train loss' });
    expect(view.hidden).toEqual([]);
  });

  it('draws the title and the legend into the PNG, then puts the chart back as it was', () => {
    const legend = { display: false, labels: { color: '#000' } };
    const plugins: Record<string, unknown> = { legend };
    const seen: unknown[] = [];
    const chart = {
      config: { options: { plugins } },
      update: vi.fn(),
      toBase64Image: () => (
        seen.push([legend.display, (plugins.title as { text?: string })?.text]),
        'data:png'
      ),
    };
    expect(chartPng(chart as unknown as LineChart, 'Held-out loss')).toBe('data:png');
    expect(seen).toEqual([[true, 'Held-out loss']]);
    expect([legend.display, plugins.title]).toEqual([false, undefined]);
  });
});

describe('forms', () => {
  it('refuses a target that is not a number and an export name that leaves the exports folder', () => {
    expect(parseTarget('abc').error).toMatch(/“abc” is not a number/);
    expect(parseTarget(' 2.5 ')).toEqual({ value: 2.5 });
    expect(parseTarget('')).toEqual({});
    expect(nameProblem('../etc')).toMatch(/without “\/”/);
    expect(nameProblem('.hidden')).toMatch(/dot/);
    expect(nameProblem('my-model')).toBeNull();
    expect(dialogMessage('/x already exists; choose another --out, or add --force to replace it')).toMatch(
      /Tick “Replace an earlier export of this name”/,
    );
  });
});
