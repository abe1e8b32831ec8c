// Device telemetry while training: CPU % and resident memory of the trainer (and GPU figures where a GPU
// backend runs), at most one sample per completed step, for the step just completed.
import { describe, expect, it } from 'vitest';
import { SYSTEM_METRICS } from '../../shared/metrics.js';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { trainInNode } from '../../src-main/trainer/node-engine.js';

async function trainWithTelemetry(telemetryMs: number): Promise<TrainerMessage[]> {
  const messages: TrainerMessage[] = [];
  await trainInNode(
    {
      task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
      model: { layers: 4, dModel: 32, ffDim: 64 },
      policy: { kind: 'full' },
      training: { batchSize: 128, steps: 150, evalEvery: 0, backend: 'wasm' },
    },
    {
      emit: (m) => messages.push(m),
      control: { stopRequested: () => false, checkpointRequested: () => false },
      outDir: null,
      resume: null,
      cacheDir: '/tmp',
      telemetryMs,
    },
  );
  return messages;
}

describe('device telemetry', () => {
  it('samples CPU % and RSS of the trainer while it trains, once per step at most', async () => {
    const messages = await trainWithTelemetry(5);
    const samples = messages.flatMap((m) => (m.type === 'system' ? [m] : []));
    expect(samples.length).toBeGreaterThan(0);
    const steps = samples.map((s) => s.step);
    expect(steps).toEqual([...new Set(steps)].sort((a, b) => a - b));
    for (const sample of samples) {
      const value = (name: string) => sample.metrics.find((m) => m.name === name)?.value;
      expect(value(SYSTEM_METRICS.cpuPercent)).toBeGreaterThanOrEqual(0);
      expect(value(SYSTEM_METRICS.rssMb)).toBeGreaterThan(10);
      // No GPU backend, no nvidia-smi here: no GPU series rather than made-up zeros.
      expect(sample.metrics.map((m) => m.name)).not.toContain(SYSTEM_METRICS.gpuUtilPercent);
    }
    // Each sample follows the step it names.
    for (const sample of samples) {
      const index = messages.indexOf(sample);
      const lastStep = messages.slice(0, index).findLast((m) => m.type === 'step');
      expect(lastStep?.type === 'step' && lastStep.step).toBe(sample.step);
    }
  });

  it('is off when its interval is 0', async () => {
    expect((await trainWithTelemetry(0)).some((m) => m.type === 'system')).toBe(false);
  });
});
