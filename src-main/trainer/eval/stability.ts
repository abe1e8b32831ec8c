// The stability monitor (RAPTR.md, "Headline results": the gap between training random subnetworks and the
// full model is bounded by how much the output moves when one block is dropped). At an evaluation, on a few
// fixed held-out batches scored with the training loss:
//   stability/full_loss           the full model (every block, a = 1);
//   stability/drop_block_{i}      the loss with block i bypassed (the policy's scaling) minus the full loss;
//   stability/stage_loss,         RaPTr and PLD: the mean loss over a fixed set of masks drawn from the
//   stability/next_stage_loss,    current stage's distribution and from the next one's, and their
//   stability/next_stage_gap      difference, the forecast of the jump at the next stage change.
// Mask i of the forecast comes from its own named stream, the same for both stages, so the two stages' masks
// are coupled (a RaPTr block in mask i of stage k is in mask i of stage k+1) and the gap is not drowned in
// sampling noise; the streams restart at every evaluation, so the same masks are scored every time. Nothing
// here touches the run's RNG streams or weights: a run with the monitor trains exactly as one without.
import type { RunConfig } from '../../../shared/config/schema.js';
import { Rng } from '../../../shared/rng.js';
import { stageIndexAt } from '../../../shared/schedule.js';
import { dropBlockKey, STABILITY_KEYS, stabilitySettings } from '../../../shared/stability.js';
import type { EvalResult, StageForecast, StagePlan } from '../../../shared/trainer-protocol.js';
import { runGuarded } from '../backend/device-guard.js';
import { forecastPair, withoutBlock } from '../subnet/distribution.js';
import { firstBlocksMask } from '../subnet/mask.js';
import type { StepMask } from '../subnet/index.js';
import type { TaskBatch, TrainingTask } from '../tasks/types.js';
import { tf } from '../tf.js';

export interface StabilityMeasurement {
  results: EvalResult[];
  /** The forecast for the change after this stage; null for policies without one and in the last stage. */
  forecast: StageForecast | null;
}

/** Masks that score the same (same blocks, same factors) are run once. */
const maskKey = (mask: StepMask) =>
  `${mask.active.map((on) => (on ? 1 : 0)).join('')}:${mask.scales.join(',')}`;

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export class StabilityMonitor {
  private constructor(
    private readonly config: RunConfig,
    private readonly task: TrainingTask<TaskBatch>,
    private readonly batches: TaskBatch[],
    private readonly masksPerStage: number,
  ) {}

  /** The run's monitor, or null when training.stability turns it off. */
  static create(config: RunConfig, task: TrainingTask<TaskBatch>): StabilityMonitor | null {
    const settings = stabilitySettings(config);
    if (!settings.enabled) return null;
    return new StabilityMonitor(config, task, task.heldOutBatches(settings.heldOutBatches), settings.masks);
  }

  /** Everything above, at the evaluation after 0-based `step`, for the plan `stages` as it stands. */
  async measure(step: number, stages: readonly StagePlan[]): Promise<StabilityMeasurement> {
    const layers = this.config.model.layers;
    const depth = stages[stageIndexAt(stages, step)]!.depth;
    const drops = Array.from({ length: depth }, (_, i) => withoutBlock(this.config, stages, step, i));
    const pair = forecastPair(this.config, stages, step);
    const draw = (from: 'current' | 'next') =>
      pair
        ? Array.from({ length: this.masksPerStage }, (_, m) =>
            pair[from].sample(Rng.stream(this.config.training.seed, `stability/mask-${m}`)),
          )
        : [];
    const [current, next] = [draw('current'), draw('next')];

    const losses = await this.lossesOf([firstBlocksMask(depth, layers), ...drops, ...current, ...next]);
    const full = losses[0]!;
    const results: EvalResult[] = [
      { name: STABILITY_KEYS.fullLoss, value: full },
      ...drops.map((_, i) => ({ name: dropBlockKey(i), value: losses[1 + i]! - full })),
    ];
    if (!pair) return { results, forecast: null };
    const stageLoss = mean(losses.slice(1 + depth, 1 + depth + current.length));
    const nextLoss = mean(losses.slice(1 + depth + current.length));
    const forecast: StageForecast = { step, stageLoss, nextLoss, gap: nextLoss - stageLoss };
    results.push(
      { name: STABILITY_KEYS.stageLoss, value: stageLoss },
      { name: STABILITY_KEYS.nextStageLoss, value: nextLoss },
      { name: STABILITY_KEYS.nextStageGap, value: forecast.gap },
    );
    return { results, forecast };
  }

  /** The mean training loss over the held-out batches under each mask, read back in one transfer. */
  private async lossesOf(masks: readonly StepMask[]): Promise<number[]> {
    const unique = new Map<string, number>();
    const distinct: StepMask[] = [];
    const slots = masks.map((mask) => {
      const key = maskKey(mask);
      if (!unique.has(key)) {
        unique.set(key, distinct.length);
        distinct.push(mask);
      }
      return unique.get(key)!;
    });
    const values = await runGuarded(() =>
      tf.tidy(() =>
        tf.stack(
          distinct.map((mask) =>
            tf.tidy(() => {
              const sum = tf.addN(this.batches.map((batch) => this.task.loss(batch, mask)));
              return tf.div(sum, this.batches.length);
            }),
          ),
        ),
      ),
    );
    return slots.map((slot) => values[slot]!);
  }

  dispose(): void {
    for (const batch of this.batches) batch.dispose();
  }
}
