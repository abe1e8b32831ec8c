// The small pure pieces behind the views: routes, form input parsing, zoom math, the heatmap grid, the
// cumulative FLOPs curve, eval grouping and the FLOPs-to-target sentences.
import { describe, expect, it } from 'vitest';
import type { CompareResult, RunDetail } from '../../shared/api-types.js';
import { flopsCurves } from '../../src-renderer/lib/charts/flops-curve.js';
import { heatmapLayout } from '../../src-renderer/lib/charts/heatmap.js';
import { pannedPixels, zoomedPixels } from '../../src-renderer/lib/charts/zoom.js';
import { issuesAt, parseFieldInput, unclaimedIssues } from '../../src-renderer/lib/form/field-values.js';
import { configFields } from '../../src-renderer/lib/form/schema-fields.js';
import { parseRoute, routeHref } from '../../src-renderer/lib/router/routes.js';
import {
  againstFirst,
  headlines,
  ratioSentence,
  runLabel,
  sharedMasking,
} from '../../src-renderer/lib/state/compare.svelte.js';
import { Connection } from '../../src-renderer/lib/state/connection.svelte.js';
import { groupEvalKeys } from '../../src-renderer/lib/state/eval-groups.js';
import { etaMs, noGpuHint } from '../../src-renderer/lib/state/run-numbers.js';

describe('routes', () => {
  it('parses and prints every view', () => {
    expect(parseRoute('')).toEqual({ view: 'runs' });
    expect(parseRoute('#/new')).toEqual({ view: 'new' });
    expect(parseRoute('#/run/abc_1')).toEqual({ view: 'run', id: 'abc_1' });
    expect(parseRoute('#/compare?ids=a,b')).toEqual({ view: 'compare', ids: ['a', 'b'] });
    expect(parseRoute('#/compare?ids=a,b,a,,b')).toEqual({ view: 'compare', ids: ['a', 'b'] });
    expect(parseRoute('#/nope').view).toBe('not-found');
    expect(routeHref({ view: 'compare', ids: ['a', 'b'] })).toBe('#/compare?ids=a,b');
  });

  it('keeps a compare view in its link: axis, metric, target, log scale, smoothing', () => {
    const hash = '#/compare?ids=a,b&x=step&key=eval%2Fpoly%2Ferr_deg4&at=0.1&logy=1&smooth=0';
    const route = parseRoute(hash);
    expect(route).toEqual({
      view: 'compare',
      ids: ['a', 'b'],
      options: { xAxis: 'step', key: 'eval/poly/err_deg4', at: 0.1, logY: true, smoothing: 0 },
    });
    expect(routeHref(route)).toBe(hash);
    expect(parseRoute('#/compare?ids=a&x=bogus&smooth=7')).toEqual({ view: 'compare', ids: ['a'] });
  });

  it('carries a preset or a config into the new-run form', () => {
    const config = JSON.stringify({ model: { layers: 24 } });
    const route = parseRoute(`#/new?config=${encodeURIComponent(config)}`);
    expect(route).toEqual({ view: 'new', config });
    expect(parseRoute(routeHref(route))).toEqual(route);
    expect(parseRoute('#/new?preset=bert-mini-raptr')).toEqual({ view: 'new', preset: 'bert-mini-raptr' });
  });
});

describe('form fields from the schema', () => {
  it('finds the sections, integer fields, enums and the policy kinds', () => {
    const fields = configFields();
    expect(fields.map((f) => f.key)).toEqual(['name', 'task', 'model', 'policy', 'optimizer', 'training']);
    const model = fields.find((f) => f.key === 'model')!;
    if (model.kind.type !== 'group') throw new Error('model is a group');
    expect(model.kind.fields.find((f) => f.key === 'layers')).toMatchObject({
      kind: { type: 'number', integer: true },
      defaultValue: 12,
    });
    expect(model.kind.fields.find((f) => f.key === 'norm')?.kind).toEqual({
      type: 'enum',
      options: ['pre', 'post'],
    });
    const policy = fields.find((f) => f.key === 'policy')!;
    if (policy.kind.type !== 'union') throw new Error('policy is a union');
    expect(policy.kind.options.map((o) => o.kind)).toEqual([
      'full',
      'raptr',
      'pld',
      'stochastic-depth',
      'stacking',
    ]);
  });

  it('keeps unreadable numbers as text so the schema can name them', () => {
    const number = { type: 'number', integer: true } as const;
    expect(parseFieldInput(number, ' 12 ')).toBe(12);
    expect(parseFieldInput(number, '1e-3')).toBe(0.001);
    expect(parseFieldInput(number, '')).toBeUndefined();
    expect(parseFieldInput(number, '12x')).toBe('12x');
    expect(parseFieldInput({ type: 'layers' }, '0, -1')).toEqual([0, -1]);
    expect(parseFieldInput({ type: 'layers' }, 'none')).toEqual([]);
  });

  it('gives each issue to its field, list items included, and keeps the rest for the summary', () => {
    const issues = [
      { path: 'policy.schedule.fixed[1]', message: 'out of range' },
      { path: 'model.heads', message: 'does not divide' },
      { path: 'task.tokenizer', message: 'unknown field(s) "x"' },
    ];
    expect(issuesAt(issues, 'policy.schedule.fixed')).toHaveLength(1);
    expect(issuesAt(issues, 'model.head')).toHaveLength(0);
    expect(unclaimedIssues(issues, ['policy.schedule.fixed', 'model.heads'])).toEqual([issues[2]]);
  });
});

describe('zoom math', () => {
  it('zooms around the cursor and pans by the drag', () => {
    expect(zoomedPixels(0, 1000, 250, 0.5)).toEqual([125, 625]); // the point under the cursor stays put
    expect(zoomedPixels(0, 1000, 2000, 0.5)).toEqual([500, 1000]); // a cursor outside is clamped to the edge
    expect(pannedPixels(100, 900, 50)).toEqual([50, 850]);
  });
});

describe('mask heatmap', () => {
  it('puts the newest step in the last column, block 0 first, and marks stage changes', () => {
    const layout = heatmapLayout(
      [
        { step: 8, stage: 0, mask: '101' },
        { step: 9, stage: 1, mask: '11-' },
      ],
      4,
    );
    expect(layout.blocks).toBe(3);
    expect(layout.stageStarts).toEqual([3]);
    expect(layout.cells.filter((c) => c.column === 3).map((c) => c.state)).toEqual([
      'active',
      'active',
      'absent',
    ]);
    expect(layout.cells.filter((c) => c.column === 2).map((c) => c.state)).toEqual([
      'active',
      'bypassed',
      'active',
    ]);
  });
});

describe('cumulative FLOPs curve', () => {
  it('joins the stage totals, extends to the latest live step and projects the rest', () => {
    const stage = (stage: number, first: number, last: number, flops: number, fullFlops: number) =>
      ({ stage, firstStep: first, lastStep: last, flops, fullFlops }) as RunDetail['stages'][number];
    const detail = {
      stages: [stage(0, 0, 99, 50, 100), stage(1, 100, 149, 40, 50)],
      summary: { stepsTotal: 400 },
      expectedRelativeFlops: 1.25,
    } as unknown as RunDetail;
    const curves = flopsCurves(detail, { step: 199, cumFlops: 130, cumFullFlops: 200 } as never);
    expect(curves.method).toEqual([
      { x: 0, y: 0 },
      { x: 100, y: 50 },
      { x: 150, y: 90 },
      { x: 200, y: 130 },
    ]);
    expect(curves.full.at(-1)).toEqual({ x: 200, y: 200 });
    expect(curves.fullProjected.at(-1)).toEqual({ x: 400, y: 400 });
    expect(curves.methodProjected.at(-1)).toEqual({ x: 400, y: 320 }); // 400 / 1.25
  });
});

describe('eval charts', () => {
  it('puts each metric beside its baselines', () => {
    const groups = groupEvalKeys([
      'eval/mlm_loss',
      'eval/mlm_unigram_loss',
      'eval/mlm_acc',
      'eval/era_probe_acc',
      'eval/era_probe_baseline',
      'eval/era_probe_bow',
      'eval/poly/err_deg2',
      'eval/poly/err_deg10',
      'train/loss',
    ]);
    expect(
      groups.map((g) => [g.id, g.lines.map((l) => l.key.replace('eval/', '') + (l.reference ? '*' : ''))]),
    ).toEqual([
      ['mlm-loss', ['mlm_loss', 'mlm_unigram_loss*']],
      ['mlm-acc', ['mlm_acc']],
      ['probe-era', ['era_probe_acc', 'era_probe_baseline*', 'era_probe_bow*']],
      ['poly-degrees', ['poly/err_deg2', 'poly/err_deg10']],
    ]);
  });

  it('titles MLM charts with how the run hid its targets, and draws the frequency baselines', () => {
    const keys = [
      'eval/mlm_loss',
      'eval/mlm_loss_train_masking',
      'eval/mlm_unigram_loss',
      'eval/mlm_acc',
      'eval/mlm_most_frequent_acc',
      'eval/mlm_top_token_share',
    ];
    const groups = groupEvalKeys(keys, 'every-target');
    expect(groups.map((g) => [g.title, g.lines.map((l) => l.label + (l.reference ? '*' : ''))])).toEqual([
      [
        'Held-out MLM loss · [MASK] at every target',
        ['held-out MLM loss', 'with training masking', 'unigram baseline*'],
      ],
      ['Masked-token accuracy · [MASK] at every target', ['accuracy', 'most frequent token*']],
      ['Targets given the top prediction', ['share of targets']],
    ]);
    const old = groupEvalKeys(['eval/mlm_loss', 'eval/mlm_unigram_loss', 'eval/mlm_acc'], 'training-rule');
    expect(old.map((g) => g.title)).toEqual([
      'Held-out MLM loss · training masking',
      'Masked-token accuracy · training masking',
    ]);
  });
});

describe('FLOPs to a target', () => {
  it('says the ratio the way a person would', () => {
    expect(ratioSentence(null, 2.9, true)).toBe('reference run');
    expect(ratioSentence(1.3104, 2.9, false)).toBe('1.31x fewer FLOPs to reach 2.9');
    expect(ratioSentence(0.5, 2.9, false)).toBe('2.00x more FLOPs to reach 2.9');
    expect(ratioSentence(null, 2.9, false)).toBe('did not reach the target');
    const result = {
      key: 'eval/mlm_loss',
      target: 2.9,
      targetSource: 'given',
      differences: [],
      runs: [
        { id: 'r', name: 'RaPTr', reach: { flops: 10 }, flopsRatio: 1 },
        { id: 'f', name: 'full', reach: { flops: 13.1 }, flopsRatio: 10 / 13.1 },
        { id: 'x', name: 'never', reach: null, flopsRatio: null },
      ],
    } as unknown as CompareResult;
    expect(headlines(result)).toEqual(['RaPTr needed 1.31x fewer FLOPs than full to reach 2.9']);
  });

  it('names how each run measured the key when they differ, and links no ratio across', () => {
    const run = (id: string, evalMasking: string | null, flopsRatio: number | null) => ({
      id,
      name: id,
      evalMasking,
      flopsRatio,
      reach: flopsRatio === null ? null : { flops: 1 },
    });
    const mixed = {
      key: 'eval/mlm_loss',
      target: 6.4,
      maskingNote: 'eval/mlm_loss was measured two ways: ...',
      runs: [
        run('new', 'every-target', 1),
        run('newer', 'every-target', 1.25),
        run('old', 'training-rule', null),
      ],
    } as unknown as CompareResult;
    expect([0, 1, 2].map((i) => againstFirst(mixed, i))).toEqual([
      'reference run',
      '1.25x fewer FLOPs to reach 6.4',
      'measured with training masking: not compared',
    ]);
    expect(runLabel(mixed, 'old')).toBe('old (training masking)');
    expect(sharedMasking(mixed)).toBe('');
    const alike = { ...mixed, maskingNote: null, runs: mixed.runs.slice(0, 2) } as CompareResult;
    expect(runLabel(alike, 'new')).toBe('new');
    expect(sharedMasking(alike)).toBe(' · [MASK] at every target');
  });
});

describe('run numbers', () => {
  it('estimates the time left from the recent step durations, else from the run so far', () => {
    const summary = { stepsDone: 10, stepsTotal: 100, wallMs: 5000 };
    expect(etaMs(summary, { step: 49 }, [100, 300])).toBe(50 * 200);
    expect(etaMs(summary, null, [])).toBe(90 * 500);
    expect(etaMs({ stepsDone: 0, stepsTotal: 100, wallMs: 0 }, null, [])).toBeNull();
  });

  it('says why no GPU was used', () => {
    const tensorflow = {
      name: 'tensorflow' as const,
      available: false,
      detail: 'libcudart.so.11.0 is missing',
    };
    expect(noGpuHint({ gpus: [], backends: [tensorflow] })).toContain('No NVIDIA GPU was found');
    expect(noGpuHint({ gpus: ['RTX 4090'], backends: [tensorflow] })).toBe(
      'A GPU is present (RTX 4090) but TensorFlow could not use it: libcudart.so.11.0 is missing.',
    );
    const webgpu = { name: 'webgpu' as const, available: false, detail: 'WebGPU found no GPU adapter' };
    expect(noGpuHint({ gpus: [], backends: [tensorflow, webgpu] })).toContain(
      'WebGPU: WebGPU found no GPU adapter.',
    );
  });
});

describe('connection', () => {
  it('counts reconnects after a loss, not the first connect', () => {
    const connection = new Connection();
    connection.onChange(false);
    expect(connection.lost).toBe(false); // never connected yet
    connection.onChange(true);
    expect(connection.epoch).toBe(0);
    connection.onChange(false);
    expect(connection.lost).toBe(true);
    connection.onChange(true);
    expect([connection.lost, connection.epoch]).toEqual([false, 1]);
  });
});
