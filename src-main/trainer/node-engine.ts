// The engine's I/O in a Node trainer process (engine-io.ts): backends by select-backend.ts (tfjs-node-gpu,
// Dawn, wasm, cpu), data prepared and cached in the cache folder, checkpoints and the final weights in the
// run folder, telemetry of this process. The desktop app's GPU route serves the same I/O to its renderer
// from the utility process (gpu-route/utility-side.ts).
import { join } from 'node:path';
import { releaseCpuThreads, resizeCpuThreads, selectBackend } from './backend/select-backend.js';
import { physicalCores } from './backend/wasm/cpu-cores.js';
import { loadNewestVerified, writeCheckpointFiles, type CheckpointRef } from './checkpoint.js';
import type { MlmTask } from '../../shared/config/schema.js';
import type { MlmDataShape } from './data/mlm/dataset.js';
import { prepareMlmDataset, type PreparedMlm } from './data/prepare-dataset.js';
import type { EngineIO } from './engine-io.js';
import { nodeSystemSampler } from './node-telemetry.js';
import { train, type TrainOptions } from './train-loop.js';
import { writeFinalWeights } from './weights.js';

export interface NodeIOOptions {
  /** Run folder for checkpoints (outDir/checkpoints) and the final weights; null keeps nothing on disk. */
  outDir: string | null;
  /**
   * Continue a run from one of its checkpoints (verified against the sha256 the database recorded), or
   * from the newest of its older ones (fallbacks, newest first) that verifies.
   */
  resume: (CheckpointRef & { fallbacks?: CheckpointRef[] }) | null;
  /** Where trained tokenizers and tokenized corpora are cached. */
  cacheDir: string;
  /** Why WebGPU cannot be used here, when that was decided before the run (see SelectOptions). */
  webgpuUnavailable?: string;
}

/** The Node I/O, whose data also says where its token files are (the GPU route sends their contents). */
export interface NodeEngineIO extends EngineIO {
  mlmData(task: MlmTask, shape: MlmDataShape, log: (message: string) => void): Promise<PreparedMlm>;
}

export function nodeEngineIO(options: NodeIOOptions): NodeEngineIO {
  const { outDir, resume, cacheDir } = options;
  // The run's tokenizer folder, copied into every checkpoint (MLM runs), as its data preparation found it.
  let tokenizerDir: string | null = null;
  const runFolder = () => {
    if (!outDir) throw new Error('this run keeps no files (no run folder)');
    return outDir;
  };
  return {
    startBackend: (request, cpuThreads) =>
      selectBackend(request, {
        webgpuUnavailable: options.webgpuUnavailable,
        cpu: { threads: cpuThreads ?? physicalCores() },
      }),
    resizeCpuThreads: (backend, cpuThreads) => resizeCpuThreads(backend, cpuThreads ?? physicalCores()),
    releaseCpuThreads,
    async mlmData(task, shape, log) {
      const data = await prepareMlmDataset(task, shape, cacheDir, log);
      tokenizerDir = data.tokenizerDir;
      return data;
    },
    readResume: async (warn) =>
      resume ? loadNewestVerified([resume, ...(resume.fallbacks ?? [])], warn) : null,
    keepsFiles: outDir !== null,
    writeCheckpoint: (contents) =>
      writeCheckpointFiles(join(runFolder(), 'checkpoints'), contents, tokenizerDir),
    writeFinalWeights: async (weights, config, step) => {
      await writeFinalWeights(runFolder(), weights, config, step);
    },
    systemSampler: nodeSystemSampler,
  };
}

export type NodeTrainOptions = Omit<TrainOptions, 'io'> & NodeIOOptions;

/** The engine in this Node process, with its files where `options` say. */
export function trainInNode(rawConfig: unknown, options: NodeTrainOptions): Promise<void> {
  const { outDir, resume, cacheDir, webgpuUnavailable, ...rest } = options;
  return train(rawConfig, { ...rest, io: nodeEngineIO({ outDir, resume, cacheDir, webgpuUnavailable }) });
}
