// The runs table against a fake API: its columns, live updates from events, selection to compare, edits,
// and deletion only after a confirmation.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../shared/api-types.js';
import { Router } from '../../src-renderer/lib/router/router.svelte.js';
import { connection } from '../../src-renderer/lib/state/connection.svelte.js';
import RunsView from '../../src-renderer/views/RunsView.svelte';
import { fakeApi } from './fake-api.js';

function summary(id: string, patch: Partial<RunSummary> = {}): RunSummary {
  return {
    id,
    name: `run ${id}`,
    status: 'completed',
    policy: 'raptr',
    schedule: '3-4-5-6',
    task: 'mlm',
    stepsDone: 400,
    stepsTotal: 400,
    evalKey: 'eval/mlm_loss',
    evalMasking: 'every-target',
    bestEvalLoss: 2.91234,
    lastEvalLoss: 2.95,
    flops: 7.5e12,
    fullFlops: 1e13,
    flopsSaved: 0.25,
    wallMs: 60_000,
    createdAt: Date.now() - 5 * 60_000,
    tags: ['sweep'],
    archived: false,
    backend: 'wasm',
    device: 'CPU',
    preset: 'quickstart',
    ...patch,
  };
}

function setup() {
  const runs = [
    summary('a'),
    summary('b', { status: 'running', stepsDone: 10, policy: 'full', schedule: 'all blocks' }),
    summary('old', { evalMasking: 'training-rule' }),
  ];
  const fake = fakeApi({
    'runs:list': () => runs,
    'runs:delete': ({ id }) => {
      runs.splice(
        runs.findIndex((r) => r.id === id),
        1,
      );
      return { deleted: true };
    },
    'runs:get': ({ id }) => ({ run: { notes: `notes of ${id}` } }) as never,
    'runs:update': ({ id, ...patch }) =>
      Object.assign(
        runs.find((r) => r.id === id)!,
        patch,
      ),
  });
  render(RunsView, { api: fake.api, router: new Router() });
  return { fake, runs };
}

const row = (id: string) => document.querySelector<HTMLElement>(`tr[data-run-id="${id}"]`)!;

describe('runs view', () => {
  it('shows each run with status, policy, schedule, steps, best eval loss, FLOPs saved, created and tags', async () => {
    setup();
    await waitFor(() => expect(row('a')).toBeTruthy());
    const cells = [...row('a').querySelectorAll('td')].map((td) =>
      td.textContent!.replace('✎', '').replace(/\s+/g, ' ').trim(),
    );
    expect(cells.slice(1, 10)).toEqual([
      'run a',
      'completed',
      'raptr',
      '3-4-5-6',
      '400 / 400',
      '2.912',
      '25.0%',
      '5m ago',
      'sweep',
    ]);
    // A loss recorded with the training masking is marked, and the mark says why.
    const oldBest = row('old').querySelectorAll('td')[6]!;
    expect(oldBest.textContent!.trim()).toBe('2.912†');
    expect(oldBest.querySelector('abbr')!.title).toMatch(/training masking.*before \[MASK\] at every target/);
  });

  it('follows status and step events without reloading per step', async () => {
    const { fake } = setup();
    await waitFor(() => expect(row('b')).toBeTruthy());
    const step = {
      step: 41,
      stage: 1,
      lr: 1e-3,
      loss: 3,
      mask: '111',
      active: 3,
      scale: 1,
      cumFlops: 2,
      cumFullFlops: 4,
      tokens: 1,
      stepMs: 10,
      examplesPerSec: 100,
      wallMs: 500,
    };
    fake.emit('run:metrics', { runId: 'b', steps: [step] });
    await waitFor(() => expect(row('b').textContent).toContain('42 / 400'));
    expect(row('b').textContent).toContain('50.0%');
    fake.emit('run:status', { runId: 'b', status: 'stopped' });
    await waitFor(() => expect(within(row('b')).getByText('stopped')).toBeTruthy());
  });

  it('compares the selected runs', async () => {
    setup();
    await waitFor(() => expect(row('a')).toBeTruthy());
    await fireEvent.click(within(row('a')).getByRole('checkbox'));
    await fireEvent.click(within(row('b')).getByRole('checkbox'));
    await fireEvent.click(screen.getByRole('button', { name: /Compare 2/ }));
    expect(window.location.hash).toBe('#/compare?ids=a,b');
  });

  it('deletes a run only after the confirmation', async () => {
    const { fake } = setup();
    await waitFor(() => expect(row('a')).toBeTruthy());
    await fireEvent.click(within(row('a')).getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Delete “run a”?');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(fake.calls.some((c) => c.channel === 'runs:delete')).toBe(false);

    await fireEvent.click(within(row('a')).getByRole('button', { name: 'Delete' }));
    await fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete run' }));
    await waitFor(() => expect(row('a')).toBeNull());
    expect(fake.calls.find((c) => c.channel === 'runs:delete')?.request).toEqual({ id: 'a' });
  });

  it('renames, tags and notes a run inline', async () => {
    const { fake } = setup();
    await waitFor(() => expect(row('a')).toBeTruthy());
    await fireEvent.click(within(row('a')).getByRole('button', { name: 'Edit' }));
    const editor = screen.getByRole('group', { name: 'Edit run a' });
    await waitFor(() =>
      expect((within(editor).getByLabelText('Notes') as HTMLTextAreaElement).value).toBe('notes of a'),
    );
    await fireEvent.input(within(editor).getByLabelText('Name'), { target: { value: 'renamed' } });
    await fireEvent.input(within(editor).getByLabelText('Tags'), { target: { value: 'x, y, x' } });
    await fireEvent.click(within(editor).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(row('a').textContent).toContain('renamed'));
    expect(fake.calls.find((c) => c.channel === 'runs:update')?.request).toEqual({
      id: 'a',
      name: 'renamed',
      tags: ['x', 'y'],
      notes: 'notes of a',
    });
  });

  it('says what to do when there are no runs', async () => {
    const fake = fakeApi({ 'runs:list': () => [] });
    render(RunsView, { api: fake.api, router: new Router() });
    await waitFor(() => expect(screen.getByText('No runs yet')).toBeTruthy());
    expect(screen.getByRole('link', { name: 'Start a run' }).getAttribute('href')).toBe('#/new');
  });
});

describe('runs table, the full kit', () => {
  function kit(hash = '#/runs') {
    const runs = [
      summary('a', { bestEvalLoss: 3, tags: ['x'] }),
      summary('b', { status: 'running', bestEvalLoss: 2, tags: ['x', 'study:poly'], policy: 'full' }),
      summary('c', { bestEvalLoss: null, tags: [] }),
    ];
    const fake = fakeApi({
      'runs:list': ({ columns }) =>
        runs.map((r, i) => ({
          ...r,
          ...(columns?.length ? { columns: { 'config:model.layers': [4, 6, 8][i]! } } : {}),
        })),
      'runs:columns': () => ({
        config: ['model.layers', 'policy.kind'],
        metrics: ['eval/loss', 'train/loss'],
      }),
      'runs:bulk': ({ ids, action, tag }) =>
        ids.map((id) => {
          const r = runs.find((x) => x.id === id)!;
          if (action === 'tag') r.tags = [...r.tags, tag!];
          return { id, ok: true };
        }),
      'runs:update': ({ id, ...patch }) =>
        Object.assign(
          runs.find((r) => r.id === id)!,
          patch,
        ),
      'runs:delete': () => ({ deleted: true }),
    });
    window.location.hash = hash;
    const router = new Router();
    render(RunsView, { api: fake.api, router });
    return { fake, runs, router };
  }
  const names = () =>
    [...document.querySelectorAll('tr[data-run-id]')].map((r) => r.getAttribute('data-run-id'));
  const header = (name: string) =>
    screen.getByRole('button', { name: new RegExp(`^${name}`) }).closest('th')!;

  it('sorts by a column header, says so with aria-sort, and keeps the sort in the address', async () => {
    kit();
    await waitFor(() => expect(names()).toEqual(['a', 'b', 'c']));
    await fireEvent.click(screen.getByRole('button', { name: /^Best eval loss/ }));
    expect(header('Best eval loss').getAttribute('aria-sort')).toBe('descending');
    expect(names()).toEqual(['a', 'b', 'c']);
    await fireEvent.click(screen.getByRole('button', { name: /^Best eval loss/ }));
    expect(header('Best eval loss').getAttribute('aria-sort')).toBe('ascending');
    expect(names()).toEqual(['b', 'a', 'c']); // no value last, either way
    expect(header('Name').getAttribute('aria-sort')).toBe('none');
    await waitFor(() => expect(window.location.hash).toBe('#/runs?sort=best.asc'));
  });

  it('adds a config column from the chooser and asks the server for it', async () => {
    const { fake } = kit();
    await waitFor(() => expect(names()).toHaveLength(3));
    await fireEvent.click(screen.getByRole('button', { name: 'Columns' }));
    const field = await screen.findByText('model.layers');
    await fireEvent.click(field.closest('label')!.querySelector('input')!);
    await waitFor(() => expect(row('b').querySelector('td.extra')?.textContent).toBe('6'));
    const listed = fake.calls.filter((c) => c.channel === 'runs:list').at(-1)!.request;
    expect(listed).toMatchObject({ columns: ['config:model.layers'] });
    expect(screen.getByRole('button', { name: /^model\.layers/ })).toBeTruthy();
  });

  it('shows a column named twice in its link once', async () => {
    kit('#/runs?cols=config%3Amodel.layers~config%3Amodel.layers');
    await waitFor(() => expect(row('b').querySelectorAll('td.extra')).toHaveLength(1));
    expect(screen.getAllByRole('button', { name: /^model\.layers/ })).toHaveLength(1);
  });

  it('groups by tag, with a heading per group', async () => {
    kit();
    await waitFor(() => expect(names()).toHaveLength(3));
    await fireEvent.change(screen.getByRole('combobox', { name: 'Group by' }), { target: { value: 'tag' } });
    const headings = [...document.querySelectorAll('.group-head th')].map((th) =>
      th.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(headings).toEqual(['tag x · 2 runs', 'tag no tag · 1 run']);
  });

  it('tags the selected runs in one request and says what it did', async () => {
    const { fake } = kit();
    await waitFor(() => expect(names()).toHaveLength(3));
    await fireEvent.click(within(row('a')).getByRole('checkbox'));
    await fireEvent.click(within(row('c')).getByRole('checkbox'));
    const bar = screen.getByRole('region', { name: 'Selected runs' });
    await fireEvent.input(within(bar).getByRole('textbox', { name: /Tag for/ }), {
      target: { value: 'keep' },
    });
    await fireEvent.click(within(bar).getByRole('button', { name: 'Tag' }));
    await waitFor(() => expect(bar.textContent).toContain('2 runs tagged “keep”'));
    expect(fake.calls.find((c) => c.channel === 'runs:bulk')?.request).toEqual({
      ids: ['a', 'c'],
      action: 'tag',
      tag: 'keep',
    });
  });

  it('renames with ✎, as the hint says', async () => {
    const { fake } = kit();
    await waitFor(() => expect(names()).toHaveLength(3));
    expect(screen.getByText(/✎ beside a name renames the run/)).toBeTruthy();
    await fireEvent.click(within(row('a')).getByRole('button', { name: 'Rename run a' }));
    const input = within(row('a')).getByRole('textbox', { name: 'New name for run a' });
    await fireEvent.input(input, { target: { value: 'better name' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(row('a').textContent).toContain('better name'));
    expect(fake.calls.find((c) => c.channel === 'runs:update')?.request).toEqual({
      id: 'a',
      name: 'better name',
    });
  });

  it('offers "Stop and delete" for a run in training, and stops it first', async () => {
    const { fake } = kit();
    await waitFor(() => expect(names()).toHaveLength(3));
    await fireEvent.click(within(row('b')).getByRole('button', { name: 'Stop and delete' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('Stop and delete “run b”?');
    expect(dialog.textContent).toContain('stopped first, then deleted');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Stop and delete run' }));
    await waitFor(() => expect(row('b')).toBeNull());
    expect(fake.calls.find((c) => c.channel === 'runs:delete')?.request).toEqual({ id: 'b', stop: true });
  });

  it('keeps the rows and waits visibly while the connection is lost', async () => {
    kit();
    await waitFor(() => expect(names()).toHaveLength(3));
    connection.onChange(true);
    connection.onChange(false);
    try {
      await waitFor(() =>
        expect(within(row('a')).getByRole('button', { name: 'Delete' }).hasAttribute('disabled')).toBe(true),
      );
      expect(names()).toEqual(['a', 'b', 'c']);
      expect(screen.queryByText('No runs yet')).toBeNull();
    } finally {
      connection.onChange(true);
    }
  });
});
