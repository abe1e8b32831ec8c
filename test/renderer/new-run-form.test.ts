// The new-run view against a fake API: the form is generated from the schema, validation messages sit
// next to the field they are about, and the schedule timeline's numbers follow every keystroke.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../shared/config/presets.js';
import { Router } from '../../src-renderer/lib/router/router.svelte.js';
import { NewRunForm } from '../../src-renderer/lib/state/new-run-form.svelte.js';
import NewRunView from '../../src-renderer/views/NewRunView.svelte';
import { fakeApi } from './fake-api.js';

function field(name: string): HTMLInputElement {
  const input = document.querySelector<HTMLInputElement>(`[name="${name}"]`);
  if (!input) throw new Error(`no field ${name}`);
  return input;
}

/** The field's own row: its input, help and messages. */
function fieldRow(name: string): HTMLElement {
  return field(name).closest('.field') as HTMLElement;
}

async function renderForm() {
  const fake = fakeApi({ 'presets:list': () => [...PRESETS] });
  render(NewRunView, { api: fake.api, router: new Router() });
  await waitFor(() => expect(field('training.steps').value).toBe('400')); // quickstart applied
  return fake;
}

function stageFacts(): string[] {
  const schedule = screen.getByTestId('schedule');
  return within(schedule)
    .getAllByRole('listitem')
    .map((stage) => stage.querySelector('.facts')!.textContent!.replace(/\s+/g, ' ').trim());
}

describe('new-run form', () => {
  it('puts each validation message next to the wrong field, and nowhere else', async () => {
    await renderForm();
    await fireEvent.input(field('model.heads'), { target: { value: '3' } });
    const heads = fieldRow('model.heads');
    expect(within(heads).getByText('3 does not divide dModel 64')).toBeTruthy();
    expect(field('model.heads').getAttribute('aria-invalid')).toBe('true');
    expect(document.querySelectorAll('.field-error')).toHaveLength(1);

    await fireEvent.input(field('training.steps'), { target: { value: 'abc' } });
    expect(within(fieldRow('training.steps')).getByText(/must be a number/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Start run' }) as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.input(field('model.heads'), { target: { value: '4' } });
    await fireEvent.input(field('training.steps'), { target: { value: '60' } });
    expect(document.querySelectorAll('.field-error')).toHaveLength(0);
    expect((screen.getByRole('button', { name: 'Start run' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('opens a folded group when a field inside it is wrong', async () => {
    await renderForm();
    const row = fieldRow('task.tokenizer.vocabSize');
    expect(row.closest('details')?.open).toBe(false);
    await fireEvent.input(field('task.tokenizer.vocabSize'), { target: { value: '10' } });
    expect(within(row).getByText('vocabSize must be >= 64')).toBeTruthy();
    expect(row.closest('details')?.open).toBe(true);
  });

  it('shows the stages with p_s, expected active blocks and the predicted FLOPs saving as the user types', async () => {
    await renderForm();
    expect(stageFacts()).toEqual([
      'p=0.25 E[active]=3',
      'p=0.50 E[active]=4',
      'p=0.75 E[active]=5',
      'p=1.00 E[active]=6',
    ]);
    // Blocks only: 6 / mean(3,4,5,6) = 1.333x, 25% saved; with embedding and head a little less.
    expect(screen.getByTestId('schedule').textContent).toContain('blocks only: 25.0%');

    // Two stages with the first and last block fixed: p = (n - 2) / (6 - 2).
    await fireEvent.input(field('policy.schedule.label'), { target: { value: '4-6' } });
    expect(stageFacts()).toEqual(['p=0.50 E[active]=4', 'p=1.00 E[active]=6']);
    // 6 / mean(4, 6) = 1.2x on the blocks: 16.7% saved.
    expect(screen.getByTestId('schedule').textContent).toContain('blocks only: 16.7%');

    // No fixed layers: p = n / L.
    await fireEvent.input(field('policy.schedule.fixed'), { target: { value: 'none' } });
    expect(stageFacts()).toEqual(['p=0.67 E[active]=4', 'p=1.00 E[active]=6']);

    await fireEvent.input(field('training.steps'), { target: { value: '100' } });
    const ranges = [...document.querySelectorAll('[data-testid="schedule"] .range')].map(
      (r) => r.textContent,
    );
    expect(ranges).toEqual(['steps 0–49 · 50', 'steps 50–99 · 50']);
  });

  it('keeps the last valid schedule, dimmed, while the config is invalid', async () => {
    await renderForm();
    await fireEvent.input(field('policy.schedule.label'), { target: { value: '3-4-' } });
    expect(screen.getByTestId('schedule').classList.contains('stale')).toBe(true);
    expect(stageFacts()).toHaveLength(4);
  });

  it('sends the config as typed to runs:create, with the preset and tags', async () => {
    const fake = fakeApi({
      'presets:list': () => [...PRESETS],
      'runs:create': () => {
        throw new Error('no device');
      },
    });
    render(NewRunView, { api: fake.api, router: new Router() });
    await waitFor(() => expect(field('training.steps').value).toBe('400'));
    await fireEvent.input(field('training.steps'), { target: { value: '40' } });
    await fireEvent.input(screen.getByLabelText('tags'), { target: { value: 'e2e, small' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start run' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('no device'));
    const create = fake.calls.find((c) => c.channel === 'runs:create')!.request as {
      config: { training: { steps: number } };
      preset: string;
      tags: string[];
    };
    expect(create.config.training.steps).toBe(40);
    expect(create.preset).toBe('quickstart');
    expect(create.tags).toEqual(['e2e', 'small']);
  });
});

describe('config JSON', () => {
  it('imports a config into the fields and exports what the user wrote', () => {
    const form = new NewRunForm(fakeApi({}).api);
    expect(form.importJson('{"model": {"layers": 8}, "policy": {"kind": "full"}}')).toBe(true);
    expect(form.valueOf('model.layers')).toBe(8);
    expect(form.check.valid).toBe(true);
    expect(JSON.parse(form.exportJson())).toEqual({ model: { layers: 8 }, policy: { kind: 'full' } });
    expect(form.importJson('[1, 2]')).toBe(false);
    expect(form.importError).toContain('one JSON object');
    expect(form.importJson('{oops')).toBe(false);
    expect(form.valueOf('model.layers')).toBe(8); // a failed import keeps the form as it was
  });

  it('fills in a union’s kind when a field inside it is typed before the kind was chosen', () => {
    const form = new NewRunForm(fakeApi({}).api);
    form.set('policy.schedule.label', '4-8-12');
    expect(form.valueOf('policy.kind')).toBe('raptr');
    expect(form.check.valid).toBe(true);
  });
});
