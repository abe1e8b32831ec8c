// The run page's Resume takes a backend, as `raptr resume ID --backend NAME` does: by default the run's own,
// or another one chosen beside the button (a run whose GPU failed goes on on the CPU). Against a fake API:
// what the page asks for, and that the contract refuses a backend that does not exist, naming the field.
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../shared/api-types.js';
import { CHANNELS } from '../../shared/ipc-contract.js';
import RunHeader from '../../src-renderer/components/RunHeader.svelte';
import { RunLive } from '../../src-renderer/lib/state/run-live.svelte.js';
import { fakeApi } from './fake-api.js';

const failedOnGpu = {
  run: {
    id: 'r1',
    name: 'gpu run',
    status: 'failed',
    config: { training: { backend: 'webgpu', steps: 60 } },
    backend: 'webgpu',
    device: 'SwiftShader (Chromium)',
    errorTail: 'the GPU (SwiftShader Device) was lost mid-run',
  },
  summary: {
    stepsDone: 30,
    stepsTotal: 60,
    wallMs: 6000,
    flops: 3e9,
    fullFlops: 4e9,
    policy: 'full',
    schedule: '',
  },
  plannedStages: [],
  stages: [],
  expectedRelativeFlops: 1,
} as unknown as RunDetail;

async function header() {
  const fake = fakeApi({
    'runs:get': () => structuredClone(failedOnGpu),
    'runs:resume': () => ({ status: 'queued', fromStep: 30 }),
    'metrics:series': () => [],
    'metrics:keys': () => [],
    'metrics:masks': () => [],
  });
  const live = new RunLive(fake.api, 'r1');
  await live.load();
  render(RunHeader, { live, onexport: () => {}, ondeleted: () => {} });
  const resumes = () => fake.calls.filter((c) => c.channel === 'runs:resume').map((c) => c.request);
  return { resumes };
}

describe('Resume on a backend of choice', () => {
  it("resumes on the run's own backend unless another is chosen", async () => {
    const { resumes } = await header();
    const select = screen.getByRole('combobox', { name: 'Backend to resume on' });
    expect([...select.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'webgpu, as the run asked',
      'auto (a GPU if there is one, else the CPU)',
      'tensorflow (CUDA)',
      'wasm (the CPU)',
      'cpu (plain JavaScript, slowest)',
    ]);
    await fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(resumes()).toEqual([{ id: 'r1' }]));
  });

  it('resumes a run whose GPU failed on wasm when wasm is chosen', async () => {
    const { resumes } = await header();
    await fireEvent.change(screen.getByRole('combobox', { name: 'Backend to resume on' }), {
      target: { value: 'wasm' },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await waitFor(() => expect(resumes()).toEqual([{ id: 'r1', backend: 'wasm' }]));
  });

  it('is refused by the contract for a backend that does not exist, naming the field', () => {
    const parsed = CHANNELS['runs:resume'].safeParse({ id: 'r1', backend: 'cuda' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['backend']);
    expect(CHANNELS['runs:resume'].parse({ id: 'r1', backend: 'wasm' })).toEqual({
      id: 'r1',
      backend: 'wasm',
    });
  });
});
