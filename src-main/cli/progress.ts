// The training progress line on stderr: stage, loss, ETA and the FLOPs saved so far. On a terminal it
// redraws one line; otherwise (logs, CI) it prints a line at every tenth of the run and at stage changes.
import { formatDuration, formatFlops, formatMetric, formatPercent } from '../../shared/format.js';
import type { StagePlan, StepMetrics } from '../../shared/trainer-protocol.js';

const BAR_WIDTH = 24;

export class ProgressLine {
  private lastPrintedTenth = -1;
  private stages: StagePlan[] = [];
  private readonly recentMs: number[] = [];
  private device = '';

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly totalSteps: number,
  ) {}

  setStages(stages: StagePlan[]): void {
    this.stages = stages;
  }

  /** The latest device telemetry ("GPU 87% 3.1 GB · CPU 98% 1.2 GB"), shown at the end of the line. */
  setDevice(text: string): void {
    this.device = text;
  }

  /** Messages that must not be overwritten by the bar (stage changes, evals, warnings). */
  note(text: string): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
  }

  update(m: StepMetrics): void {
    this.recentMs.push(m.stepMs);
    if (this.recentMs.length > 50) this.recentMs.shift();
    const done = m.step + 1;
    const meanMs = this.recentMs.reduce((a, b) => a + b, 0) / this.recentMs.length;
    const eta = formatDuration(meanMs * (this.totalSteps - done));
    const saved = m.cumFullFlops > 0 ? 1 - m.cumFlops / m.cumFullFlops : 0;
    const stage = this.stages[m.stage];
    const stageText = stage ? `stage ${m.stage + 1}/${this.stages.length}` : `stage ${m.stage + 1}`;
    const text =
      `${stageText} step ${done}/${this.totalSteps} loss ${formatMetric(m.loss)} ` +
      `${formatFlops(m.cumFlops)} (${formatPercent(saved)} saved) ETA ${eta}` +
      (this.device ? ` · ${this.device}` : '');
    if (this.stream.isTTY) {
      const filled = Math.round((done / this.totalSteps) * BAR_WIDTH);
      this.stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${text}`);
      return;
    }
    const tenth = Math.floor((done / this.totalSteps) * 10);
    if (tenth !== this.lastPrintedTenth) {
      this.lastPrintedTenth = tenth;
      this.stream.write(`${text}\n`);
    }
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
