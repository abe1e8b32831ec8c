// A run trained to the end in this process (the Node engine, as a trainer process runs it) with every message
// it sent kept in order: the set-up the tests that read a real run's messages share. No stop or checkpoint
// requests, no telemetry (its timing would make the messages differ from run to run), no run folder unless
// asked for.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { trainInNode, type NodeTrainOptions } from '../../src-main/trainer/node-engine.js';

let sharedCacheDir: string | undefined;

export interface TrainMessagesOptions extends Partial<
  Pick<NodeTrainOptions, 'outDir' | 'resume' | 'cacheDir'>
> {
  /** Sees every message as it is sent (to ingest it into a store, say), before it is kept. */
  onMessage?(message: TrainerMessage): void;
}

export async function trainMessages(
  config: unknown,
  options: TrainMessagesOptions = {},
): Promise<TrainerMessage[]> {
  const messages: TrainerMessage[] = [];
  await trainInNode(config, {
    emit: (m) => {
      options.onMessage?.(m);
      messages.push(m);
    },
    control: { stopRequested: () => false, checkpointRequested: () => false },
    outDir: options.outDir ?? null,
    resume: options.resume ?? null,
    cacheDir: options.cacheDir ?? (sharedCacheDir ??= mkdtempSync(join(tmpdir(), 'raptr-cache-'))),
    telemetryMs: 0,
  });
  return messages;
}
