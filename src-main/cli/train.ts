// `raptr train`: validates the config, runs one trainer process, shows progress (or JSON lines), and
// keeps the output folder only when the run ends well. Exit codes: 0 ok, 1 training failure, 2 bad input.
import type { Command } from 'commander';
import type { RunConfig } from '../../shared/config/schema.js';
import { formatDuration, formatFlops, formatMetric, formatPercent, formatSi } from '../../shared/format.js';
import { assertNever, type TrainerMessage } from '../../shared/trainer-protocol.js';
import { forkTrainer } from '../runs/fork-host.js';
import { validConfigFrom, type ConfigSource } from './config-input.js';
import { EXIT } from './input-error.js';
import { OutputFolder } from './out-dir.js';
import { ProgressLine } from './progress.js';

interface TrainFlags extends ConfigSource {
  json?: boolean;
  out?: string;
}

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('train a model with RaPTr or one of its rivals (full, pld, stochastic-depth, stacking)')
    .option('--preset <name>', 'start from a preset (see `raptr presets`)')
    .option('--config <file>', 'a run config as JSON')
    .option(
      '--set <path=value>',
      'override one config field, e.g. training.steps=500 (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print one JSON event per line on stdout, and nothing else')
    .option(
      '--out <dir>',
      'keep config.json, events.jsonl, summary.json and model.safetensors in this new folder',
    )
    .action(async (flags: TrainFlags) => {
      process.exitCode = await trainCommand(flags);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export async function trainCommand(flags: TrainFlags): Promise<number> {
  const config = validConfigFrom(flags);
  const out = flags.out ? new OutputFolder(flags.out) : null;
  const view = flags.json ? new JsonView() : new TerminalView(config);
  out?.writeJson('config.input.json', config);

  const trainer = forkTrainer();
  let stops = 0;
  const onInterrupt = () => {
    stops += 1;
    if (stops === 1) {
      view.note('stopping after this step (Ctrl-C again to abort)');
      trainer.send({ type: 'stop' });
    } else trainer.kill('SIGKILL');
  };
  process.on('SIGINT', onInterrupt);

  let error: string | null = null;
  let done: Extract<TrainerMessage, { type: 'done' }> | null = null;
  trainer.onMessage((message) => {
    if (message.type === 'ready') return;
    out?.event(message);
    if (message.type === 'start') out?.writeJson('config.json', message.config);
    if (message.type === 'error') error = message.message;
    if (message.type === 'done') done = message;
    view.show(message);
  });
  trainer.send({ type: 'start', config, outDir: out?.temp ?? null, resume: null });
  const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    trainer.onExit(resolve),
  );
  process.off('SIGINT', onInterrupt);
  view.finish();

  const finished = done as Extract<TrainerMessage, { type: 'done' }> | null;
  if (finished && exit.code === 0) {
    out?.writeJson('summary.json', view.summary(finished));
    await out?.commit();
    if (out && !flags.json) process.stderr.write(`output: ${out.final}\n`);
    return finished.status === 'completed' ? EXIT.ok : EXIT.interrupted;
  }
  await out?.discard();
  const why = error ?? `the trainer process ended unexpectedly (${exit.signal ?? `exit code ${exit.code}`})`;
  process.stderr.write(`training failed: ${why}\n`);
  const tail = trainer.stderrTail().trim();
  if (!error && tail) process.stderr.write(`trainer stderr:\n${tail}\n`);
  return EXIT.failure;
}

interface View {
  show(message: TrainerMessage): void;
  note(text: string): void;
  finish(): void;
  summary(done: Extract<TrainerMessage, { type: 'done' }>): Record<string, unknown>;
}

/** Collects what summary.json reports, whatever the view. */
class RunFacts {
  lastLoss: number | null = null;
  evals: Record<string, number> = {};
  backend = '';
  device = '';

  record(message: TrainerMessage): void {
    if (message.type === 'start') {
      this.backend = message.backend.name;
      this.device = message.backend.device;
    }
    if (message.type === 'step') this.lastLoss = message.loss;
    if (message.type === 'eval') for (const r of message.results) this.evals[r.name] = r.value;
  }

  summary(done: Extract<TrainerMessage, { type: 'done' }>): Record<string, unknown> {
    return {
      status: done.status,
      steps: done.step,
      finalTrainLoss: this.lastLoss,
      finalEvals: this.evals,
      flops: done.cumFlops,
      fullTrainingFlops: done.cumFullFlops,
      flopsSaved: done.cumFullFlops > 0 ? 1 - done.cumFlops / done.cumFullFlops : 0,
      wallMs: done.wallMs,
      backend: this.backend,
      device: this.device,
    };
  }
}

/** --json: stdout carries only JSON lines; the first is the start event, with backend and device. */
class JsonView extends RunFacts implements View {
  private early: TrainerMessage[] = [];
  private started = false;

  show(message: TrainerMessage): void {
    this.record(message);
    if (!this.started && message.type !== 'start' && message.type !== 'error') {
      this.early.push(message); // data preparation logs arrive before the trainer knows its backend
      return;
    }
    if (message.type === 'start') {
      this.started = true;
      const { type, backend, ...rest } = message;
      this.print({
        type,
        backend: backend.name,
        device: backend.device,
        gpu: backend.gpu,
        hint: backend.hint,
        ...rest,
      });
      for (const m of this.early) this.print(m);
      this.early = [];
      return;
    }
    this.print(message);
  }

  private print(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }

  note(): void {}
  finish(): void {}
}

class TerminalView extends RunFacts implements View {
  private readonly progress: ProgressLine;

  constructor(config: RunConfig) {
    super();
    this.progress = new ProgressLine(process.stderr, config.training.steps);
  }

  note(text: string): void {
    this.progress.note(text);
  }

  show(message: TrainerMessage): void {
    this.record(message);
    switch (message.type) {
      case 'ready':
      case 'checkpoint':
        return;
      case 'start':
        this.progress.setStages(message.stages);
        this.note(
          `backend ${message.backend.name} · ${message.backend.device} · ${formatSi(message.parameterCount)} parameters · ` +
            (message.expectedRelativeFlops > 1.0005
              ? `expected ${message.expectedRelativeFlops.toFixed(2)}x fewer FLOPs than full training`
              : 'the FLOPs of full training'),
        );
        if (message.backend.hint) this.note(`no GPU: ${message.backend.hint}`);
        return;
      case 'stage':
        this.note(
          `${message.stage.label} from step ${message.step} (expected ${formatMetric(message.stage.expectedActive)} active blocks)`,
        );
        return;
      case 'step':
        this.progress.update(message);
        return;
      case 'eval':
        this.note(
          `eval @ step ${message.step + 1} (${message.reason}): ${message.results.map((r) => `${r.name} ${formatMetric(r.value)}`).join(', ')}`,
        );
        return;
      case 'transition':
        this.note(
          `stage ${message.fromStage + 1} -> ${message.toStage + 1}: train loss ${formatMetric(message.lossBefore)} over the last ` +
            `${message.window} steps before, ${formatMetric(message.lossAfter)} over the first ${message.window} after`,
        );
        return;
      case 'log':
        this.note(message.level === 'warn' ? `warning: ${message.message}` : message.message);
        return;
      case 'error':
        this.note(`error: ${message.message}`);
        return;
      case 'done':
        this.note(
          `${message.status} after ${message.step} steps in ${formatDuration(message.wallMs)}: ${formatFlops(message.cumFlops)} ` +
            `vs ${formatFlops(message.cumFullFlops)} for full training (${formatPercent(1 - message.cumFlops / message.cumFullFlops)} saved)`,
        );
        return;
      default:
        assertNever(message, 'trainer message');
    }
  }

  finish(): void {
    this.progress.finish();
  }
}
