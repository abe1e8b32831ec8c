// The training loop, top to bottom: config -> model, data, optimizer, mask policy -> for each step:
// stage, mask, batch, forward + loss + backward (only the blocks that run), optimizer step, log, eval
// (with the stability monitor, which may move an adaptive schedule's stage end).
// It knows nothing of processes, files, Electron or SQLite: it emits typed messages, obeys a control
// object, and leaves backends, data preparation and checkpoint storage to its I/O (engine-io.ts), so it
// runs as it is in a Node trainer and in the desktop app's GPU renderer.
import { withRecordedFields } from '../../shared/config/recorded.js';
import { mustParseRunConfig } from '../../shared/config/validate.js';
import { errorMessage } from '../../shared/error-text.js';
import type { RunConfig } from '../../shared/config/schema.js';
import { expectedRelativeFlops, trainStepFlops } from '../../shared/flops.js';
import { learningRateAt } from '../../shared/lr-schedule.js';
import { primaryEvalKey } from '../../shared/metrics.js';
import { Rng } from '../../shared/rng.js';
import { StageSchedule, type ScheduleChange } from '../../shared/adaptive-schedule.js';
import type { EvalResult, StagePlan, TrainerMessage } from '../../shared/trainer-protocol.js';
import { deviceGuard, runGuarded } from './backend/device-guard.js';
import { activationShapes, assertFitsDevice } from './backend/device-limits.js';
import { blockGroup, ParameterSet } from './model/params.js';
import { AdamW } from './optim/adamw.js';
import { createPolicy, maskToString, type StepMask } from './subnet/index.js';
import { StabilityMonitor } from './eval/stability.js';
import { createTask } from './tasks/index.js';
import type { EvalReason, TaskBatch, TrainingTask } from './tasks/types.js';
import { TransitionTracker, type TransitionTrackerState } from './transitions.js';
import { tf, type Variable } from './tf.js';
import { startTelemetry } from './telemetry.js';
import { applyContents, snapshotContents, weightsAsArrays } from './checkpoint-contents.js';
import type { EngineIO } from './engine-io.js';
import { yieldToEventLoop } from './yield.js';

export interface TrainControl {
  /** Polled between steps: finish the current step, write a checkpoint (when there is an outDir), stop. */
  stopRequested(): boolean;
  /** Polled between steps: true once per request to write a checkpoint now and continue. */
  checkpointRequested(): boolean;
  /** Polled between steps: the CPU threads the host gives this run now (null or absent: it has not said). */
  threadsGranted?(): number | null;
}

export interface TrainOptions {
  emit(message: TrainerMessage): void;
  control: TrainControl;
  /** Backend, data, checkpoints and telemetry of the place the engine runs in. */
  io: EngineIO;
  /** Device telemetry every this many ms (CPU, memory, GPU); 0 turns it off. Default 5000. */
  telemetryMs?: number;
}

export async function train(rawConfig: unknown, options: TrainOptions): Promise<void> {
  try {
    await trainRun(rawConfig, options);
  } catch (error) {
    // A lost GPU breaks whatever touches it next (a readback, a buffer): name the loss, not the symptom.
    throw await deviceGuard().explain(error);
  } finally {
    // The kernel threads end with the run, however it ends (the process may go on: tests, benchmarks).
    await options.io.releaseCpuThreads?.();
  }
}

async function trainRun(rawConfig: unknown, options: TrainOptions): Promise<void> {
  const { emit, control, io } = options;
  const log = (message: string) => emit({ type: 'log', level: 'info', message });

  // 1. Config (a resumed run continues with the config it was saved with, as that version meant it, on the
  // backend asked for now: checkpoints are backend-neutral, so a run whose GPU failed resumes on another),
  // backend, stage schedule (a resumed one with its stages as they happened).
  const resume = await io.readResume((message) => emit({ type: 'log', level: 'warn', message }));
  const requested = mustParseRunConfig(rawConfig);
  let config: RunConfig = resume
    ? mustParseRunConfig(
        withBackend(withRecordedFields(resume.state.config, true), requested.training.backend),
      )
    : requested;
  // CPU threads: the config's, else the host's share of the cores, else the I/O's default (Node: every
  // physical core).
  const threads = () => config.training.threads ?? control.threadsGranted?.() ?? null;
  let backend = await io.startBackend(config.training.backend, threads());
  const { steps, seed, evalEvery, checkpointEvery } = config.training;

  // 2. Model and data (the task builds both), optimizer, mask policy; restored when resuming.
  const params = new ParameterSet(Rng.stream(seed, 'init'));
  const task = await createTask(config, params, {
    mlmData: (mlm, shape) => io.mlmData(mlm, shape, log),
    log,
  });
  config = { ...config, model: { ...config.model, ...task.modelOverrides } };
  assertFitsDevice([
    ...params.all().map((p) => ({ name: `parameter ${p.name}`, shape: p.variable.shape })),
    ...activationShapes(config),
  ]);
  const schedule = new StageSchedule(config, resume?.state.schedule);
  const optimizer = new AdamW(params, config.optimizer);
  const masksRng = resume ? Rng.fromState(resume.state.rng.masks) : Rng.stream(seed, 'masks');
  const policy = createPolicy(config, schedule, masksRng);
  const monitor = StabilityMonitor.create(config, task);
  const transitions = new TransitionTracker(config.training.transitionWindow);
  const counters = resume
    ? { ...resume.state.counters }
    : { cumFlops: 0, cumFullFlops: 0, tokens: 0, wallMs: 0 };
  const firstStep = resume?.state.step ?? 0;
  if (resume) {
    applyContents(resume, params, optimizer, `of step ${firstStep}`);
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
    stages: [...schedule.stages],
    parameterCount: params.count(),
    expectedRelativeFlops: expectedRelativeFlops(config, { blocksOnly: false, stages: schedule.stages }),
    resumedFromStep: resume ? firstStep : null,
    facts: task.facts,
  });

  let lastEval: { completed: number; loss: number } | null = null;
  let lastCheckpoint = firstStep;
  const writeCheckpointAt = async (completedSteps: number, wallMs: number) => {
    if (!io.keepsFiles) return;
    const contents = await snapshotContents({
      step: completedSteps,
      config,
      params,
      optimizer,
      masksRng: policy.rngState(),
      taskRng: task.rngStates(),
      counters: { ...counters, wallMs },
      transitions: transitions.state(),
      schedule: schedule.state(),
      evalLoss: lastEval?.completed === completedSteps ? lastEval.loss : null,
    });
    // Named here, so a failed write (a full disk, most often) says what it was writing and at which step.
    const written = await io.writeCheckpoint(contents).catch((error: unknown) => {
      const text = errorMessage(error);
      throw new Error(`could not write the checkpoint at step ${completedSteps}: ${text}`, { cause: error });
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
  let stage: StagePlan | null = firstStep > 0 ? schedule.stageAt(firstStep - 1) : null;
  let completed = firstStep;
  const started = performance.now();
  const wallMs = () => counters.wallMs + performance.now() - started;
  const stopTelemetry = startTelemetry(
    emit,
    () => completed - 1,
    options.telemetryMs ?? 5000,
    () => io.systemSampler(),
  );
  try {
    for (let step = firstStep; step < steps; step++) {
      // Let the process deliver the messages emitted so far and receive a stop request: the step
      // itself is synchronous tensor work that would otherwise hold the event loop for the whole run.
      await yieldToEventLoop();
      if (control.stopRequested()) break;
      // Another CPU run started or ended: follow this run's new share of the cores.
      const resized = (await io.resizeCpuThreads?.(backend, threads())) ?? backend;
      if (resized !== backend) emit({ type: 'backend', step, backend: (backend = resized) });
      const stepStarted = performance.now();

      // Stage boundary: announce it; gradual stacking grows the model by copying its top block.
      const current = schedule.stageAt(step);
      if (current.index !== stage?.index) {
        if (stage && current.depth > stage.depth)
          growByStacking(params, optimizer, stage.depth, current.depth);
        stage = current;
        emit({ type: 'stage', step, stage, plan: [...schedule.stages] });
      }

      // Which blocks run this step, and the data.
      const mask = policy.maskAt(step);
      const batch = task.nextBatch();
      const lr = learningRateAt(config, schedule.stages, step);

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

      // Evaluate the full model (every block, a = 1) periodically, at each stage end and at the end. The
      // stability monitor scores the same model with each block dropped and forecasts the next stage's loss;
      // with adaptive stage lengths, what this evaluation saw may end the stage here or let it run on.
      const reason = evalReason(step, steps, current, evalEvery);
      if (reason) {
        const results = await evaluateFull(task, L, current.depth, reason);
        const stability = monitor ? await monitor.measure(step, schedule.stages) : null;
        const primary = results.find((r) => r.name === primaryKey);
        if (primary) lastEval = { completed, loss: primary.value };
        if (stability?.forecast) transitions.noteForecast(current.index, stability.forecast);
        const change = schedule.afterEval(completed, primary?.value ?? null, stability?.forecast ?? null);
        emit({
          type: 'eval',
          step,
          stage: current.index,
          reason: reasonAfter(reason, change),
          results: [...results, ...(stability?.results ?? [])],
        });
        if (change === 'extended')
          emit({ type: 'stage', step, stage: schedule.stageAt(step), plan: [...schedule.stages] });
      }

      // Checkpoint periodically and when asked.
      const due = checkpointEvery > 0 && completed % checkpointEvery === 0;
      if ((due || control.checkpointRequested()) && completed < steps)
        await writeCheckpointAt(completed, wallMs());
    }
    for (const record of transitions.flush()) emit(record);
    // The last checkpoint: the end of the run, or where it was stopped (a stop always saves first).
    if (completed > lastCheckpoint) await writeCheckpointAt(completed, wallMs());
    if (io.keepsFiles) await io.writeFinalWeights(await weightsAsArrays(params), config, completed);
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
    monitor?.dispose();
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

/** An evaluation where an adaptive schedule ended the stage is its stage end; one where it ran on is not. */
function reasonAfter(reason: EvalReason, change: ScheduleChange): EvalReason {
  if (change === 'ended') return 'stage-end';
  return change === 'extended' && reason === 'stage-end' ? 'periodic' : reason;
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
