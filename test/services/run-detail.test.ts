// What the run page and `raptr show` get about stability and schedules: an adaptive run's stages as they
// happened (bands, stage table, expected FLOPs follow them), the monitor's last row, and each transition's
// forecast beside its realized jump (null for records made before forecasts existed).
import { describe, expect, it } from 'vitest';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { planStages } from '../../shared/schedule.js';
import type { StagePlan } from '../../shared/trainer-protocol.js';
import { getRunDetail } from '../../src-main/services/run-detail.js';
import { addEvent, createRun, MetricIngestor, openDatabase } from '../../src-main/store/index.js';
import { trainMessages } from '../trainer/train-messages.js';

const adaptive = {
  task: { kind: 'polynomial', inputDim: 10, terms: [{ support: [0] }, { support: [1, 2] }] },
  model: { layers: 4, dModel: 16, ffDim: 16 },
  policy: {
    kind: 'raptr',
    schedule: { label: '2-3-4', lengths: 'adaptive', adaptive: { epsilon: 1, delta: 0.5, window: 1 } },
  },
  optimizer: { lr: 3e-3 },
  training: { batchSize: 32, steps: 36, evalEvery: 3, seed: 2, backend: 'wasm', transitionWindow: 4 },
};

const bounds = (stages: readonly StagePlan[]) => stages.map((s) => [s.startStep, s.endStep]);

describe('run detail of an adaptive run', () => {
  it('shows the stages as they happened, the last stability row and the forecast of every change', async () => {
    const db = openDatabase(':memory:');
    const config = mustParseRunConfig(adaptive);
    const run = createRun(db, {
      name: 'adaptive',
      config: config as unknown as Record<string, unknown>,
      appVersion: '0.1.0',
    });
    const ingestor = new MetricIngestor(db);
    const messages = await trainMessages(adaptive, { onMessage: (m) => ingestor.ingest(run.id, m) });
    ingestor.flush();
    // An older record, without a forecast.
    addEvent(db, {
      runId: run.id,
      step: 40,
      kind: 'transition',
      payload: {
        step: 40,
        fromStage: 1,
        toStage: 2,
        window: 4,
        lossBefore: 1,
        lossAfter: 1,
        lastBefore: 1,
        firstAfter: 1,
      },
    });

    const detail = getRunDetail(db, run.id);
    const lastPlan = messages.flatMap((m) => (m.type === 'stage' ? [m.plan!] : [])).at(-1)!;
    expect(detail.plannedStages).toEqual(lastPlan);
    expect(bounds(detail.plannedStages)).not.toEqual(bounds(planStages(config)));
    expect(detail.stages.map((s) => [s.firstStep, s.lastStep + 1])).toEqual(bounds(lastPlan));

    expect(detail.stability).toMatchObject({ step: 35, gap: null });
    expect(detail.stability!.drops).toHaveLength(4);
    expect(detail.stability!.drops.every((d) => typeof d === 'number')).toBe(true);

    expect(detail.transitions.map((t) => t.forecast === null)).toEqual([false, false, true]);
    const first = detail.transitions[0]!;
    expect(first.forecast!.step).toBe(first.step - 1);
    db.close();
  });
});
