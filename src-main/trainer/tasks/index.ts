// Builds the task (and with it the model) a config asks for.
import type { RunConfig } from '../../../shared/config/schema.js';
import { assertNever } from '../../../shared/trainer-protocol.js';
import type { ParameterSet } from '../model/params.js';
import { createPolynomialTask } from './polynomial.js';
import type { TaskBatch, TrainingTask } from './types.js';

export interface TaskOptions {
  /** Where trained tokenizers and tokenized corpora are cached. */
  cacheDir: string;
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
      return createMlmTask(config, task, params, options);
    }
    default:
      return assertNever(task, 'task');
  }
}
