// One interface over the two ways a trainer process is started: Electron's utilityProcess.fork (desktop
// app) and Node's child_process.fork (CLI, `raptr serve`, tests). Messages from the trainer are validated
// here, at the process boundary.
import {
  TrainerMessageSchema,
  type HostMessage,
  type TrainerMessage,
} from '../../shared/trainer-protocol.js';

export interface TrainerExit {
  code: number | null;
  signal: string | null;
}

export interface TrainerHost {
  readonly pid: number | undefined;
  send(message: HostMessage): void;
  onMessage(handler: (message: TrainerMessage) => void): void;
  onExit(handler: (exit: TrainerExit) => void): void;
  kill(signal?: NodeJS.Signals): void;
  /** The last lines the trainer wrote to stderr (kept for crash reports). */
  stderrTail(): string;
}

/** Keeps the last `limit` characters of a stream: enough to show why a trainer died. */
export class TailBuffer {
  private text = '';
  constructor(private readonly limit = 8000) {}
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }
  toString(): string {
    return this.text;
  }
}

/** Parses one raw message; a message that breaks the protocol becomes an error message, not a crash. */
export function validateTrainerMessage(raw: unknown): TrainerMessage {
  const parsed = TrainerMessageSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return {
    type: 'error',
    message: `the trainer sent a malformed message (${issue?.path.join('.')}: ${issue?.message})`,
    stack: null,
  };
}
