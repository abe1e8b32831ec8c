// Builds the task (and with it the model) a config asks for.
import type { MlmTask, RunConfig } from '../../../shared/config/schema.js';
import { assertNever } from '../../../shared/trainer-protocol.js';
import type { MlmDataset, MlmDataShape } from '../data/mlm/dataset.js';
import type { ParameterSet } from '../model/params.js';
import { createPolynomialTask } from './polynomial.js';
import type { TaskBatch, TrainingTask } from './types.js';

export interface TaskOptions {
  /** An MLM run's data, prepared where the files are (the engine's I/O, engine-io.ts). */
  mlmData(task: MlmTask, shape: MlmDataShape): Promise<MlmDataset>;
  log(message: string): void;
}

export async function createTask(
  config: RunConfig,
  params: ParameterSet,
  options: TaskOptions,
): Promise<TrainingTask<TaskBatch>> {
  const { task, model, training } = config;
  switch (task.kind) {
    case 'polynomial':
      return createPolynomialTask(
        task,
        model,
        training.batchSize,
        training.seed,
        params,
      ) as TrainingTask<TaskBatch>;
    case 'mlm': {
      const { createMlmTask } = await import('./mlm.js');
      const { seqLen } = model;
      const data = await options.mlmData(task, {
        seqLen,
        batchSize: training.batchSize,
        seed: training.seed,
      });
      return createMlmTask(config, task, params, data, options.log);
    }
    default:
      return assertNever(task, 'task');
  }
}
