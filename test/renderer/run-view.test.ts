// The run page's tabs beyond the charts, against a fake API: the config (readable, "new run from this
// config"), the checkpoints (export one, resume from an earlier one after saying what goes), the trainer's
// log (recorded lines, then live ones), the notes, renaming, and a run deleted elsewhere.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../shared/api-types.js';
import { Router } from '../../src-renderer/lib/router/router.svelte.js';
import { parseRoute } from '../../src-renderer/lib/router/routes.js';
import RunView from '../../src-renderer/views/RunView.svelte';
import { fakeApi } from './fake-api.js';

const config = {
  task: { kind: 'polynomial', inputDim: 10 },
  model: { layers: 4, dModel: 16 },
  policy: { kind: 'raptr', schedule: { label: '2-3-4' } },
  training: { steps: 60, evalEvery: 10, checkpointEvery: 20 },
};

function detail(status: RunDetail['run']['status'] = 'completed'): RunDetail {
  return {
    run: {
      id: 'r1',
      name: 'poly run',
      status,
      config,
      notes: '',
      backend: 'wasm',
      device: 'CPU',
      errorTail: null,
    },
    summary: {
      stepsDone: 60,
      stepsTotal: 60,
      wallMs: 6000,
      flops: 3e9,
      fullFlops: 4e9,
      policy: 'raptr',
      schedule: '2-3-4',
      evalKey: 'eval/loss',
    },
    plannedStages: [],
    stages: [],
    latestEvals: [],
    transitions: [],
    checkpoints: [20, 40, 60].map((step, i) => ({
      id: i + 1,
      runId: 'r1',
      step,
      path: `/runs/r1/${step}`,
      bytes: 2_000_000,
      sha256: 'a'.repeat(64),
      evalLoss: [0.5, 0.3, 0.4][i]!,
      createdAt: Date.now(),
    })),
    errors: [],
    expectedRelativeFlops: 1.2,
    stageMarks: [],
  } as unknown as RunDetail;
}

function open(tab: string, status: RunDetail['run']['status'] = 'completed') {
  const current = detail(status);
  const fake = fakeApi({
    'runs:get': () => structuredClone(current),
    'runs:logs': () => [
      { id: 1, time: Date.now(), step: null, level: 'info', message: 'backend wasm' },
      { id: 2, time: Date.now(), step: 12, level: 'warn', message: 'loss spiked' },
    ],
    'metrics:series': () => [],
    'metrics:keys': () => [],
    'metrics:masks': () => [],
    'system:info': () => ({ gpus: [], backends: [] }) as never,
    'runs:resume': ({ fromStep }) => ({ status: 'queued', fromStep: fromStep ?? 60 }),
    'runs:update': (patch) => {
      Object.assign(current.run, patch);
      return current.summary as never;
    },
  });
  window.location.hash = `#/run/r1?tab=${tab}`;
  const router = new Router();
  expect(parseRoute(window.location.hash)).toMatchObject({ view: 'run', params: { tab } });
  render(RunView, { api: fake.api, router, id: 'r1' });
  return { fake, current };
}

describe('run page', () => {
  it('shows the config readably, with a new run from it', async () => {
    open('config');
    const section = await screen.findByTestId('run-config');
    expect(section.textContent).toContain('schedule.label');
    expect(section.textContent).toContain('2-3-4');
    const link = within(section).getByRole('link', { name: 'New run from this config' });
    const route = parseRoute(link.getAttribute('href')!);
    expect(route.view === 'new' && JSON.parse(route.config!)).toEqual(config);
    expect(document.title).toBe('poly run · RaPTr Studio');
  });

  it('lists the checkpoints and resumes from an earlier one after saying what is dropped', async () => {
    const { fake } = open('checkpoints');
    const table = await screen.findByTestId('checkpoints');
    const rows = [...table.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.getAttribute('data-step'))).toEqual(['60', '40', '20']);
    expect(rows[1]!.textContent).toContain('best eval');
    expect(rows[0]!.textContent).toContain('2 MB');
    await fireEvent.click(within(rows[2] as HTMLElement).getByRole('button', { name: 'Resume from here' }));
    const dialog = screen.getByRole('dialog');
    expect(dialog.textContent).toContain('the 2 later checkpoints are deleted');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Resume from step 20' }));
    await waitFor(() =>
      expect(fake.calls.find((c) => c.channel === 'runs:resume')?.request).toEqual({
        id: 'r1',
        fromStep: 20,
      }),
    );
  });

  it('shows the recorded log lines, then live ones, filtered by level', async () => {
    const { fake } = open('log', 'running');
    const log = await screen.findByTestId('run-log');
    await waitFor(() => expect(log.textContent).toContain('loss spiked'));
    fake.emit('run:log', { runId: 'r1', level: 'error', message: 'out of memory' });
    fake.emit('run:log', { runId: 'other', level: 'error', message: 'not ours' });
    await waitFor(() => expect(log.textContent).toContain('out of memory'));
    expect(log.textContent).not.toContain('not ours');
    await fireEvent.change(within(log).getByRole('combobox'), { target: { value: 'error' } });
    expect(log.textContent).not.toContain('loss spiked');
    expect(log.textContent).toContain('out of memory');
  });

  it('keeps notes, renames the run, and says so when the run is deleted elsewhere', async () => {
    const { fake } = open('log');
    await fireEvent.click(await screen.findByRole('button', { name: '+ Add notes' }));
    await fireEvent.input(screen.getByRole('textbox', { name: 'Notes' }), {
      target: { value: 'lr too high?' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Save notes' }));
    await waitFor(() => expect(screen.getByTestId('run-notes').textContent).toContain('lr too high?'));
    await fireEvent.click(screen.getByRole('button', { name: 'Rename the run' }));
    const input = screen.getByRole('textbox', { name: 'New name for the run' });
    await fireEvent.input(input, { target: { value: 'poly, renamed' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('poly, renamed'));
    expect(fake.calls.filter((c) => c.channel === 'runs:update').map((c) => c.request)).toEqual([
      { id: 'r1', notes: 'lr too high?' },
      { id: 'r1', name: 'poly, renamed' },
    ]);
    fake.emit('run:deleted', { runId: 'r1' });
    await waitFor(() => expect(screen.getByText(/This run was deleted/)).toBeTruthy());
    expect(screen.getByRole('button', { name: 'Export…' }).hasAttribute('disabled')).toBe(true);
  });
});
