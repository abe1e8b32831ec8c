// Turns untrusted input into a RunConfig, or into one message per problem, each naming the field path.
import type { z } from 'zod';
import { nestedTooDeep, TOO_DEEP } from '../json-depth.js';
import { adaptiveIssues } from './adaptive.js';
import { RunConfigSchema, type RunConfig } from './schema.js';
import { foldSpellings } from './spellings.js';

export interface ConfigIssue {
  /** Dotted path with [i] for array items, e.g. "policy.schedule.stages[1].p". */
  path: string;
  message: string;
}

export type ConfigResult = { ok: true; config: RunConfig } | { ok: false; issues: ConfigIssue[] };

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(config)' : out;
}

/** "model.heads: 3 does not divide dModel 128" - one line per problem, ready for stderr or a form. */
export function formatIssues(issues: ConfigIssue[]): string[] {
  return issues.map((i) => `${i.path}: ${i.message}`);
}

function fromZod(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys')
      message = `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    if (issue.code === 'invalid_union' && 'discriminator' in issue)
      message = `unknown kind; expected one of the documented kinds`;
    return { path: formatPath(issue.path), message };
  });
}

export function parseRunConfig(input: unknown): ConfigResult {
  if (nestedTooDeep(input)) return { ok: false, issues: [{ path: '(config)', message: TOO_DEEP }] };
  const spelled = foldSpellings(input);
  if (spelled.issues.length > 0) return { ok: false, issues: spelled.issues };
  const parsed = RunConfigSchema.safeParse(spelled.input);
  if (!parsed.success) return { ok: false, issues: fromZod(parsed.error) };
  const issues = crossFieldIssues(parsed.data);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, config: parsed.data };
}

/** Like parseRunConfig but throws a ConfigError; for code paths where the input was validated before. */
export function mustParseRunConfig(input: unknown): RunConfig {
  const result = parseRunConfig(input);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.config;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid run config:\n  ${formatIssues(issues).join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses a size label such as "6-8-10-12" into numbers. */
export function parseSizeLabel(label: string): number[] {
  return label.split('-').map(Number);
}

function layersInRange(layers: number[], L: number, path: string, issues: ConfigIssue[]): void {
  layers.forEach((layer, i) => {
    if (layer >= L || layer < -L)
      issues.push({
        path: `${path}[${i}]`,
        message: `layer ${layer} is out of range for ${L} layers (0..${L - 1}, or -1..-${L})`,
      });
  });
}

/** The distinct block indices a fixed list names, negatives resolved (-1 is the last block). */
export function resolveLayers(layers: number[], L: number): number[] {
  return [...new Set(layers.map((l) => (l < 0 ? L + l : l)))].sort((a, b) => a - b);
}

function crossFieldIssues(config: RunConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { model, policy, training, task } = config;
  const L = model.layers;

  if (task.kind === 'mlm' && model.dModel % model.heads !== 0)
    issues.push({ path: 'model.heads', message: `${model.heads} does not divide dModel ${model.dModel}` });
  if (task.kind === 'mlm' && model.seqLen < 3)
    issues.push({
      path: 'model.seqLen',
      message: `${model.seqLen} leaves no token to mask: a sequence is [CLS], its tokens and [SEP], so it needs at least 3`,
    });
  if (task.kind === 'polynomial')
    task.terms.forEach((term, j) =>
      term.support.forEach((coord, i) => {
        if (coord >= task.inputDim)
          issues.push({
            path: `task.terms[${j}].support[${i}]`,
            message: `coordinate ${coord} is out of range for inputDim ${task.inputDim}`,
          });
      }),
    );

  if (policy.kind === 'raptr') {
    raptrIssues(policy.schedule, L, training.steps, issues);
    issues.push(...adaptiveIssues(config, raptrStageCount(policy.schedule)));
  }
  if (policy.kind === 'stochastic-depth') {
    layersInRange(policy.fixed, L, 'policy.fixed', issues);
    if (policy.keepProb === 0 && policy.fixed.length === 0)
      issues.push({
        path: 'policy.keepProb',
        message: 'keepProb 0 with no fixed layers would never run a block',
      });
  }
  if (policy.kind === 'stacking') {
    const depths = parseSizeLabel(policy.label);
    depths.forEach((depth, i) => {
      if (depth < 1 || depth > L)
        issues.push({
          path: 'policy.label',
          message: `stage ${i + 1} depth ${depth} must be between 1 and model.layers ${L}`,
        });
      if (i > 0 && depth <= depths[i - 1]!)
        issues.push({
          path: 'policy.label',
          message: `depths must grow stage by stage (${depths[i - 1]} then ${depth})`,
        });
    });
    if (depths[depths.length - 1] !== L)
      issues.push({ path: 'policy.label', message: `the last depth must equal model.layers (${L})` });
    if (depths.length > training.steps)
      issues.push({
        path: 'policy.label',
        message: `${depths.length} stages cannot fit in ${training.steps} steps`,
      });
  }
  return issues;
}

type RaptrSchedule = Extract<RunConfig['policy'], { kind: 'raptr' }>['schedule'];

/** Stages after the warm start: one per label size or explicit stage. */
function raptrStageCount(schedule: RaptrSchedule): number {
  return schedule.stages?.length ?? parseSizeLabel(schedule.label ?? '').length;
}

function raptrIssues(schedule: RaptrSchedule, L: number, steps: number, issues: ConfigIssue[]): void {
  const base = 'policy.schedule';
  layersInRange(schedule.fixed, L, `${base}.fixed`, issues);
  const fixedCount = resolveLayers(
    schedule.fixed.filter((l) => l < L && l >= -L),
    L,
  ).length;
  if (schedule.initialFullSteps >= steps)
    issues.push({
      path: `${base}.initialFullSteps`,
      message: `${schedule.initialFullSteps} leaves no steps for the stages (training.steps is ${steps})`,
    });
  const stageSteps = steps - schedule.initialFullSteps;

  const checkSize = (size: number, fixed: number, path: string) => {
    if (size > L) issues.push({ path, message: `stage size ${size} is above the number of layers (${L})` });
    else if (size < fixed)
      issues.push({
        path,
        message: `stage size ${size} is below the ${fixed} fixed layers, which always run`,
      });
  };

  if (schedule.stages) {
    const stages = schedule.stages;
    const withSteps = stages.filter((s) => s.steps !== undefined).length;
    const withFraction = stages.filter((s) => s.fraction !== undefined).length;
    if (withSteps > 0 && withSteps !== stages.length)
      issues.push({ path: `${base}.stages`, message: 'give steps for every stage or for none' });
    if (withFraction > 0 && withFraction !== stages.length)
      issues.push({ path: `${base}.stages`, message: 'give fraction for every stage or for none' });
    if (withSteps === stages.length) {
      const total = stages.reduce((sum, s) => sum + (s.steps ?? 0), 0);
      if (total !== stageSteps)
        issues.push({
          path: `${base}.stages`,
          message: `stage steps add up to ${total} but training.steps - initialFullSteps is ${stageSteps}`,
        });
    }
    if (withFraction === stages.length) {
      const total = stages.reduce((sum, s) => sum + (s.fraction ?? 0), 0);
      if (Math.abs(total - 1) > 1e-6)
        issues.push({ path: `${base}.stages`, message: `stage fractions add up to ${total}, not 1` });
    }
    stages.forEach((stage, i) => {
      const path = `${base}.stages[${i}]`;
      const fixed = stage.fixed ?? schedule.fixed;
      if (stage.fixed) layersInRange(stage.fixed, L, `${path}.fixed`, issues);
      const count = resolveLayers(
        fixed.filter((l) => l < L && l >= -L),
        L,
      ).length;
      if (stage.size !== undefined) checkSize(stage.size, count, `${path}.size`);
      if ((stage.p === 0 || stage.size === 0) && count === 0)
        issues.push({ path, message: 'this stage would never run a block (p = 0 and no fixed layers)' });
    });
    if (stages.length > stageSteps)
      issues.push({
        path: `${base}.stages`,
        message: `${stages.length} stages cannot fit in ${stageSteps} steps`,
      });
  } else if (schedule.label !== undefined) {
    const sizes = parseSizeLabel(schedule.label);
    sizes.forEach((size) => checkSize(size, fixedCount, `${base}.label`));
    if (sizes.length > stageSteps)
      issues.push({
        path: `${base}.label`,
        message: `${sizes.length} stages cannot fit in ${stageSteps} steps`,
      });
  }
}
