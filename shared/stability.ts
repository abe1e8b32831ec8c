// The stability monitor's settings and series names, shared by the trainer that measures them, the store
// and CLI that report them and the run page that draws them (see src-main/trainer/eval/stability.ts).
import { StabilitySchema, type RunConfig, type StabilitySettings } from './config/schema.js';

export type { StageForecast } from './trainer-protocol.js';
export * from './stability-keys.js';

/** training.stability with its defaults filled in (absent means on, with the defaults). */
export function stabilitySettings(config: Pick<RunConfig, 'training'>): StabilitySettings {
  return StabilitySchema.parse(config.training.stability ?? {});
}
