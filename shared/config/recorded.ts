// Configs recorded by earlier versions (in a database, a checkpoint, a run bundle) carry no value for fields
// added since; filling those with today's default would misdescribe what the run did. This says what such
// a run actually did, so resuming it keeps measuring the way it started and readers label it truly.
import type { MlmTask } from './schema.js';

type EvalMasking = MlmTask['evalMasking'];

/**
 * The held-out masking of a recorded MLM config that has no `task.evalMasking`: a run that trained was
 * measured with the training rule (the only one there was); one that never started measured nothing, so
 * it takes the default when it does.
 */
export function recordedEvalMasking(started: boolean): EvalMasking {
  return started ? 'training-rule' : 'every-target';
}

/**
 * `config` with `task.evalMasking` written out when it is an MLM config recorded without one; anything
 * else comes back as it was (the same object). Migration 5 does the same to the runs already stored.
 */
export function withRecordedFields(config: unknown, started: boolean): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const task = (config as { task?: unknown }).task;
  if (typeof task !== 'object' || task === null) return config;
  const mlm = task as { kind?: unknown; evalMasking?: unknown };
  if (mlm.kind !== 'mlm' || mlm.evalMasking !== undefined) return config;
  return { ...config, task: { ...mlm, evalMasking: recordedEvalMasking(started) } };
}
