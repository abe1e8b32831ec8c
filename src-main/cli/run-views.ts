// How a followed run looks on the terminal: a progress line with notes, or JSON lines on stdout.
import type { RunConfig } from '../../shared/config/schema.js';
import { formatDuration, formatFlops, formatMetric, formatPercent, formatSi } from '../../shared/format.js';
import { SYSTEM_METRICS } from '../../shared/metrics.js';
import { assertNever, backendChangeText, type TrainerMessage } from '../../shared/trainer-protocol.js';
import { ProgressLine } from './progress.js';

export interface RunView {
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
    if (message.type === 'start' || message.type === 'backend') {
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
export class JsonView extends RunFacts implements RunView {
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

/** "GPU 87% 3.1 GB · CPU 102% 1.4 GB" from a telemetry sample (whatever was measured). */
export function deviceText(metrics: ReadonlyArray<{ name: string; value: number }>): string {
  const get = (name: string) => metrics.find((m) => m.name === name)?.value;
  const part = (label: string, percent?: number, mb?: number) => {
    const bits = [
      percent === undefined ? null : `${Math.round(percent)}%`,
      mb === undefined ? null : formatSi(mb * 1e6, 'B'),
    ].filter((b) => b !== null);
    return bits.length > 0 ? `${label} ${bits.join(' ')}` : null;
  };
  return [
    part('GPU', get(SYSTEM_METRICS.gpuUtilPercent), get(SYSTEM_METRICS.gpuMemMb)),
    part('CPU', get(SYSTEM_METRICS.cpuPercent), get(SYSTEM_METRICS.rssMb)),
  ]
    .filter((p) => p !== null)
    .join(' · ');
}

export class TerminalView extends RunFacts implements RunView {
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
      case 'probe':
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
        if (message.resumedFromStep !== null) this.note(`resumed from step ${message.resumedFromStep}`);
        return;
      case 'backend':
        this.note(backendChangeText(message));
        return;
      case 'stage':
        this.note(
          `${message.stage.label} from step ${message.step} (expected ${formatMetric(message.stage.expectedActive)} active blocks)`,
        );
        return;
      case 'step':
        this.progress.update(message);
        return;
      case 'system':
        this.progress.setDevice(deviceText(message.metrics));
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
