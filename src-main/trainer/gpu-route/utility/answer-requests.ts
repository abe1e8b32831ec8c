// The utility process answers the GPU renderer's requests with the Node trainer's own I/O
// (node-engine.ts): the same data preparation and cache, the same checkpoint and weight files, the same
// nvidia-smi reading. Only the data changes form: the token files' contents go over the port once.
import { MlmTaskSchema, type RunConfig } from '../../../../shared/config/schema.js';
import type { EvalResult } from '../../../../shared/trainer-protocol.js';
import { readTokenFile } from '../../data/tokens/token-file.js';
import type { PreparedMlm } from '../../data/prepare-dataset.js';
import type { NodeEngineIO } from '../../node-engine.js';
import { nvidiaIndexOfAdapter, nvidiaSample } from '../../node-telemetry.js';
import type { AdapterReport, EngineRequest } from '../protocol.js';
import { MAX_ROUTE_TOKEN_BYTES, type WireDataset } from '../wire-dataset.js';

type Adapter = Extract<AdapterReport, { ok: true }>;

export interface RequestContext {
  io: NodeEngineIO;
  adapter: Adapter;
  log(message: string): void;
  /** A warning for the run's log (a damaged checkpoint skipped on resume). */
  warn(message: string): void;
}

/** The value to reply with (checked by the renderer against ReplyValueSchemas[request.kind]). */
export async function answerRequest(request: EngineRequest, context: RequestContext): Promise<unknown> {
  switch (request.kind) {
    case 'mlm-data': {
      const task = MlmTaskSchema.parse(request.task);
      const prepared = await context.io.mlmData(task, request.shape, context.log);
      try {
        return toWire(prepared);
      } finally {
        prepared.close();
      }
    }
    case 'resume':
      return context.io.readResume(context.warn);
    case 'write-checkpoint':
      return context.io.writeCheckpoint(request.contents);
    case 'write-final-weights':
      await context.io.writeFinalWeights(request.weights, request.config as RunConfig, request.step);
      return null;
    case 'gpu-sample':
      return gpuSample(context.adapter);
    default: {
      const unknown: never = request;
      throw new Error(`unknown request ${JSON.stringify(unknown)}`);
    }
  }
}

/** nvidia-smi's utilisation and memory of the adapter's GPU, or null (the renderer then counts tfjs's bytes). */
async function gpuSample(adapter: Adapter): Promise<EvalResult[] | null> {
  const index = nvidiaIndexOfAdapter(adapter);
  return index === null ? null : nvidiaSample(index);
}

function toWire(prepared: PreparedMlm): WireDataset {
  const { tokenFiles } = prepared;
  const width = tokenFiles.dtype === 'uint16' ? 2 : 4;
  const bytes = (prepared.train.source.length + prepared.heldOut.source.length) * width;
  if (bytes > MAX_ROUTE_TOKEN_BYTES)
    throw new Error(
      `this corpus's tokens take ${(bytes / 2 ** 30).toFixed(1)} GiB, more than the GPU renderer holds ` +
        `(${MAX_ROUTE_TOKEN_BYTES / 2 ** 30} GiB); train it with \`raptr train\` or \`raptr serve\` (WebGPU through Dawn), ` +
        'or with backend wasm in the app',
    );
  return {
    corpusLabel: prepared.corpusLabel,
    fingerprint: prepared.fingerprint,
    vocabSize: prepared.vocabSize,
    tokenizerDir: prepared.tokenizerDir,
    tokenizerFromCache: prepared.tokenizerFromCache,
    train: { tokens: readTokenFile(tokenFiles.train, tokenFiles.dtype), documents: prepared.train.documents },
    heldOut: {
      tokens: readTokenFile(tokenFiles.heldOut, tokenFiles.dtype),
      documents: prepared.heldOut.documents,
    },
    unigramLogProbs: prepared.unigramLogProbs,
    probes: prepared.probes,
  };
}
