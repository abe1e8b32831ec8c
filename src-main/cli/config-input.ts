// Builds a run config from --preset or --config plus --set overrides, and validates it.
import { readFileSync } from 'node:fs';
import { applyOverride, parseOverride } from '../../shared/config/overrides.js';
import { PRESETS, findPreset } from '../../shared/config/presets.js';
import type { RunConfig } from '../../shared/config/schema.js';
import { formatIssues, parseRunConfig } from '../../shared/config/validate.js';
import { describeFileError } from '../file-errors.js';
import { InputError } from './input-error.js';

export interface ConfigSource {
  preset?: string;
  config?: string;
  set?: string[];
}

export function rawConfigFrom(source: ConfigSource): unknown {
  if (source.preset && source.config) throw new InputError(['give --preset or --config, not both']);
  let raw: unknown;
  if (source.preset) {
    const preset = findPreset(source.preset);
    if (!preset)
      throw new InputError([
        `unknown preset "${source.preset}"; presets: ${PRESETS.map((p) => p.name).join(', ')}`,
      ]);
    raw = structuredClone(preset.config);
  } else if (source.config) {
    raw = readJsonFile(source.config);
  } else {
    throw new InputError([
      `give --preset NAME or --config FILE (presets: ${PRESETS.map((p) => p.name).join(', ')})`,
    ]);
  }
  for (const text of source.set ?? []) {
    try {
      raw = applyOverride(raw, parseOverride(text));
    } catch (error) {
      throw new InputError([`--set ${text}: ${(error as Error).message}`]);
    }
  }
  return raw;
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError([`--config: ${describeFileError(path, error)}`]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError([`--config ${path}: not valid JSON (${(error as Error).message})`]);
  }
}

export function validConfigFrom(source: ConfigSource): RunConfig {
  const result = parseRunConfig(rawConfigFrom(source));
  if (!result.ok) throw new InputError(formatIssues(result.issues));
  return result.config;
}
