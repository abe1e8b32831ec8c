// The renderer's requests to the utility process (data, the checkpoint to resume from, writes, GPU
// samples): each gets an id, and its reply is checked against the schema for that kind of request before
// the engine sees it.
import type { EnginePort } from '../engine-port.js';
import {
  ReplyValueSchemas,
  type EngineRequest,
  type EngineRequestKind,
  type HostToRenderer,
  type ReplyValue,
} from '../protocol.js';

type Outcome = Extract<HostToRenderer, { type: 'reply' }>['outcome'];

interface Pending {
  kind: EngineRequestKind;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class HostClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly port: EnginePort) {}

  request<K extends EngineRequestKind>(request: Extract<EngineRequest, { kind: K }>): Promise<ReplyValue<K>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { kind: request.kind, resolve: resolve as (value: unknown) => void, reject });
      this.port.post({ type: 'request', id, request });
    });
  }

  /** Settles request `id`; a reply nobody waits for, or of the wrong shape, is an error. */
  settle(id: number, outcome: Outcome): void {
    const pending = this.pending.get(id);
    if (!pending) throw new Error(`a reply to request ${id}, which was never made`);
    this.pending.delete(id);
    if (!outcome.ok) return pending.reject(new Error(outcome.error));
    const parsed = ReplyValueSchemas[pending.kind].safeParse(outcome.value);
    if (parsed.success) return pending.resolve(parsed.data);
    const issue = parsed.error.issues[0];
    pending.reject(
      new Error(
        `the utility process answered ${pending.kind} malformed (${issue?.path.join('.')}: ${issue?.message})`,
      ),
    );
  }
}
