// The training loop, top to bottom: config -> model, data, optimizer, mask policy -> for each step:
// stage, mask, batch, forward + loss + backward (only the blocks that run), optimizer step, log, eval.
// It knows nothing of processes, Electron or SQLite: it emits typed messages and obeys a control object.
import { join } from 'node:path';
import { withRecordedFields } from '../../shared/config/recorded.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import type { RunConfig } from '../../shared/config/schema.js';
import { expectedRelativeFlops, trainStepFlops } from '../../shared/flops.js';
import { learningRateAt } from '../../shared/lr-schedule.js';
import { primaryEvalKey } from '../../shared/metrics.js';
import { Rng } from '../../shared/rng.js';
import { planStages, stageIndexAt } from '../../shared/schedule.js';
import type { EvalResult, StagePlan, TrainerMessage } from '../../shared/trainer-protocol.js';
import { runGuarded } from './backend/device-guard.js';
import { activationShapes, assertFitsDevice } from './backend/device-limits.js';
import { selectBackend } from './backend/select-backend.js';
import { blockGroup, ParameterSet } from './model/params.js';
import { AdamW } from './optim/adamw.js';
import { createPolicy, maskToString, type StepMask } from './subnet/index.js';
import { createTask } from './tasks/index.js';
import type { EvalReason, TaskBatch, TrainingTask } from './tasks/types.js';
import { TransitionTracker, type TransitionTrackerState } from './transitions.js';
import { tf, type Variable } from './tf.js';
import { startTelemetry } from './telemetry.js';
import { writeFinalWeights } from './weights.js';
import { loadNewestVerified, saveCheckpoint, type CheckpointRef } from './checkpoint.js';

export interface TrainControl {
  /** Polled between steps: finish the current step, write a checkpoint (when there is an outDir), stop. */
  stopRequested(): boolean;
  /** Polled between steps: true once per request to write a checkpoint now and continue. */
  checkpointRequested(): boolean;
}

export interface TrainOptions {
  emit(message: TrainerMessage): void;
  control: TrainControl;
  /** Run folder for checkpoints (outDir/checkpoints) and the final weights; null keeps nothing on disk. */
  outDir: string | null;
  /**
   * Continue a run from one of its checkpoints (verified against the sha256 the database recorded), or
   * from the newest of its older ones (fallbacks, newest first) that verifies.
   */
  resume: (CheckpointRef & { fallbacks?: CheckpointRef[] }) | null;
  cacheDir: string;
  /** Device telemetry every this many ms (CPU, memory, GPU); 0 turns it off. Default 5000. */
  telemetryMs?: number;
}

export async function train(rawConfig: unknown, options: TrainOptions): Promise<void> {
  const { emit, control } = options;
  const log = (message: string) => emit({ type: 'log', level: 'info', message });

  // 1. Config (a resumed run continues with the config it was saved with, as that version meant it, on the
  // backend asked for now: checkpoints are backend-neutral, so a run whose GPU failed resumes on another),
  // backend, stage plan.
  const resume = options.resume
    ? await loadNewestVerified([options.resume, ...(options.resume.fallbacks ?? [])], (message) =>
        emit({ type: 'log', level: 'warn', message }),
      )
    : null;
  const requested = mustParseRunConfig(rawConfig);
  let config: RunConfig = resume
    ? mustParseRunConfig(
        withBackend(withRecordedFields(resume.state.config, true), requested.training.backend),
      )
    : requested;
  const backend = await selectBackend(config.training.backend);
  const { steps, seed, evalEvery, checkpointEvery } = config.training;

  // 2. Model and data (the task builds both), optimizer, mask policy; restored when resuming.
  const params = new ParameterSet(Rng.stream(seed, 'init'));
  const task = await createTask(config, params, { cacheDir: options.cacheDir, log });
  config = { ...config, model: { ...config.model, ...task.modelOverrides } };
  assertFitsDevice([
    ...params.all().map((p) => ({ name: `parameter ${p.name}`, shape: p.variable.shape })),
    ...activationShapes(config),
  ]);
  const stages = planStages(config);
  const optimizer = new AdamW(params, config.optimizer);
  const masksRng = resume ? Rng.fromState(resume.state.rng.masks) : Rng.stream(seed, 'masks');
  const policy = createPolicy(config, stages, masksRng);
  const transitions = new TransitionTracker(config.training.transitionWindow);
  const counters = resume
    ? { ...resume.state.counters }
    : { cumFlops: 0, cumFullFlops: 0, tokens: 0, wallMs: 0 };
  const firstStep = resume?.state.step ?? 0;
  if (resume) {
    resume.apply(params, optimizer);
    task.restoreRngStates(resume.state.rng.task);
    transitions.restore(resume.state.transitions as TransitionTrackerState);
  }
  const L = config.model.layers;
  const zeroGradForSkipped = 'skippedGrad' in config.policy && config.policy.skippedGrad === 'zero';
  const primaryKey = primaryEvalKey(config);

  emit({
    type: 'start',
    backend,
    config,
    stages,
    parameterCount: params.count(),
    expectedRelativeFlops: expectedRelativeFlops(config, { blocksOnly: false }),
    resumedFromStep: resume ? firstStep : null,
    facts: task.facts,
  });

  const checkpointsDir = options.outDir ? join(options.outDir, 'checkpoints') : null;
  let lastEval: { completed: number; loss: number } | null = null;
  let lastCheckpoint = firstStep;
  const writeCheckpointAt = async (completedSteps: number, wallMs: number) => {
    if (!checkpointsDir) return;
    const written = await saveCheckpoint(checkpointsDir, {
      step: completedSteps,
      config,
      params,
      optimizer,
      masksRng: policy.rngState(),
      taskRng: task.rngStates(),
      counters: { ...counters, wallMs },
      transitions: transitions.state(),
      evalLoss: lastEval?.completed === completedSteps ? lastEval.loss : null,
      tokenizerDir: typeof task.facts.tokenizerDir === 'string' ? task.facts.tokenizerDir : null,
    });
    lastCheckpoint = completedSteps;
    emit({
      type: 'checkpoint',
      step: completedSteps,
      ...written,
      evalLoss: lastEval?.completed === completedSteps ? lastEval.loss : null,
    });
  };

  // 3. The loop.
  // The stage of the last completed step: a resume at a stage boundary still announces (and, for
  // stacking, grows into) the new stage.
  let stage: StagePlan | null = firstStep > 0 ? stages[stageIndexAt(stages, firstStep - 1)]! : null;
  let completed = firstStep;
  const started = performance.now();
  const wallMs = () => counters.wallMs + performance.now() - started;
  const stopTelemetry = startTelemetry(emit, () => completed - 1, options.telemetryMs ?? 5000);
  try {
    for (let step = firstStep; step < steps; step++) {
      // Let the process deliver the messages emitted so far and receive a stop request: the step
      // itself is synchronous tensor work that would otherwise hold the event loop for the whole run.
      await yieldToEventLoop();
      if (control.stopRequested()) break;
      const stepStarted = performance.now();

      // Stage boundary: announce it; gradual stacking grows the model by copying its top block.
      const current = stages[stageIndexAt(stages, step)]!;
      if (current !== stage) {
        if (stage && current.depth > stage.depth)
          growByStacking(params, optimizer, stage.depth, current.depth);
        stage = current;
        emit({ type: 'stage', step, stage });
      }

      // Which blocks run this step, and the data.
      const mask = policy.maskAt(step);
      const batch = task.nextBatch();
      const lr = learningRateAt(config, stages, step);

      // Forward, loss, backward through exactly the blocks that ran, and the optimizer step.
      const loss = await trainOnBatch(task, params, optimizer, batch, mask, lr, zeroGradForSkipped);
      batch.dispose();
      if (!Number.isFinite(loss))
        throw new Error(`the loss became ${loss} at step ${step}; try a lower optimizer.lr`);

      // Log.
      const stepFlops = trainStepFlops(config, {
        activeBlocks: mask.activeCount,
        predictedTokens: batch.predicted,
      });
      counters.cumFlops += stepFlops;
      // Full training on the same batch (same predicted positions): the only difference is the blocks.
      counters.cumFullFlops += trainStepFlops(config, { activeBlocks: L, predictedTokens: batch.predicted });
      counters.tokens += batch.tokens;
      const stepMs = performance.now() - stepStarted;
      emit({
        type: 'step',
        step,
        stage: current.index,
        lr,
        loss,
        mask: maskToString(mask),
        active: mask.activeCount,
        scale: mask.scale,
        stepFlops,
        cumFlops: counters.cumFlops,
        cumFullFlops: counters.cumFullFlops,
        tokens: counters.tokens,
        stepMs,
        examplesPerSec: (batch.examples * 1000) / stepMs,
        wallMs: wallMs(),
      });
      completed = step + 1;
      for (const record of transitions.onStep(step, current.index, loss)) emit(record);

      // Evaluate the full model (every block, a = 1) periodically, at each stage end and at the end.
      const reason = evalReason(step, steps, current, evalEvery);
      if (reason) {
        const results = await evaluateFull(task, L, current.depth, reason);
        const primary = results.find((r) => r.name === primaryKey);
        if (primary) lastEval = { completed, loss: primary.value };
        emit({ type: 'eval', step, stage: current.index, reason, results });
      }

      // Checkpoint periodically and when asked.
      const due = checkpointEvery > 0 && completed % checkpointEvery === 0;
      if ((due || control.checkpointRequested()) && completed < steps)
        await writeCheckpointAt(completed, wallMs());
    }
    for (const record of transitions.flush()) emit(record);
    // The last checkpoint: the end of the run, or where it was stopped (a stop always saves first).
    if (completed > lastCheckpoint) await writeCheckpointAt(completed, wallMs());
    if (options.outDir) await writeFinalWeights(options.outDir, params, config, completed);
    emit({
      type: 'done',
      status: completed === steps ? 'completed' : 'stopped',
      step: completed,
      cumFlops: counters.cumFlops,
      cumFullFlops: counters.cumFullFlops,
      wallMs: wallMs(),
    });
  } finally {
    stopTelemetry();
    task.dispose();
    optimizer.dispose();
    params.dispose();
  }
}

/**
 * One optimizer step on one batch; resolves to the loss, the step's one readback. Gradients flow only
 * through the variables that ran (a bypassed block is not in the list, so it gets no gradient and, with
 * skippedGrad "none", no update).
 */
export async function trainOnBatch<B extends TaskBatch>(
  task: TrainingTask<B>,
  params: ParameterSet,
  optimizer: AdamW,
  batch: B,
  mask: StepMask,
  lr: number,
  zeroGradForSkipped: boolean,
): Promise<number> {
  const [loss] = await runGuarded(() => {
    const { value, grads } = tf.variableGrads(
      () => task.loss(batch, mask) as tf.Scalar,
      variablesThatRun(params, mask),
    );
    try {
      const named = Object.fromEntries(Object.entries(grads).map(([v, g]) => [params.nameOf(v), g]));
      optimizer.apply(named, lr, zeroGradForSkipped ? skippedNames(params, mask) : []);
      return value;
    } catch (error) {
      value.dispose();
      throw error;
    } finally {
      tf.dispose(Object.values(grads));
    }
  });
  return loss!;
}

function withBackend(saved: unknown, backend: RunConfig['training']['backend']): unknown {
  const config = saved as { training?: Record<string, unknown> };
  return { ...config, training: { ...config.training, backend } };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The embedding and head always run; a block runs when the mask says so. */
function variablesThatRun(params: ParameterSet, mask: StepMask): Variable[] {
  return params
    .all()
    .filter((p) => !p.group.startsWith('block.') || mask.active[Number(p.group.slice(6))])
    .map((p) => p.variable);
}

/** Blocks that exist but were bypassed: with skippedGrad "zero", Adam still steps them. */
function skippedNames(params: ParameterSet, mask: StepMask): string[] {
  const names: string[] = [];
  for (let i = 0; i < mask.depth; i++)
    if (!mask.active[i]) names.push(...params.inGroup(blockGroup(i)).map((p) => p.name));
  return names;
}

function evalReason(step: number, steps: number, stage: StagePlan, every: number): EvalReason | null {
  if (step + 1 === steps) return 'final';
  if (step + 1 === stage.endStep) return 'stage-end';
  if (every > 0 && (step + 1) % every === 0) return 'periodic';
  return null;
}

/** Evaluation always uses the full model at its current depth, every branch factor 1 (RAPTR.md). */
function evaluateFull(
  task: TrainingTask<TaskBatch>,
  layers: number,
  depth: number,
  reason: EvalReason,
): Promise<EvalResult[]> {
  const active = Array.from({ length: layers }, (_, i) => i < depth);
  const mask: StepMask = { depth, active, scales: active.map(() => 1), activeCount: depth, scale: 1 };
  return task.evaluate(mask, reason);
}

/** Gradual stacking: each new block starts as a copy of the current top block, weights and Adam state. */
function growByStacking(params: ParameterSet, optimizer: AdamW, from: number, to: number): void {
  const top = blockGroup(from - 1);
  const topNames = params.inGroup(top).map((p) => p.name);
  for (let i = from; i < to; i++) {
    params.copyGroup(top, blockGroup(i));
    optimizer.copyState(
      topNames,
      params.inGroup(blockGroup(i)).map((p) => p.name),
    );
  }
}
