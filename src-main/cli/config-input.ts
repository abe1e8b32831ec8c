// Builds a run config from --preset or --config plus --set overrides, and validates it.
import { readFileSync, statSync } from 'node:fs';
import { dropFieldsOfOtherKinds } from '../../shared/config/kind-change.js';
import { applyOverride, parseOverride } from '../../shared/config/overrides.js';
import { PRESETS, findPreset } from '../../shared/config/presets.js';
import type { RunConfig } from '../../shared/config/schema.js';
import { formatIssues, parseRunConfig } from '../../shared/config/validate.js';
import { nestedTooDeep, TOO_DEEP } from '../../shared/json-depth.js';
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
      const override = parseOverride(text);
      raw = applyOverride(raw, override);
      const dropped = dropFieldsOfOtherKinds(raw as Record<string, unknown>, override.path);
      if (dropped.length > 0) {
        const kind = String(override.value);
        process.stderr.write(
          `--set ${text}: dropped ${dropped.join(', ')} (a ${kind} ${override.path.split('.').at(-2)} has no such fields)\n`,
        );
      }
    } catch (error) {
      throw new InputError([`--set ${text}: ${(error as Error).message}`]);
    }
  }
  return raw;
}

/** A run config is a few KB; a file far bigger is not one (and would be read whole). */
const MAX_CONFIG_BYTES = 1024 * 1024;

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    const bytes = statSync(path).size;
    if (bytes > MAX_CONFIG_BYTES)
      throw new InputError([`--config ${path}: ${bytes} bytes is too big for a run config (at most 1 MB)`]);
    // Editors on Windows save UTF-8 with a byte order mark; JSON.parse would take it for a stray character.
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError([`--config: ${describeFileError(path, error)}`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError([`--config ${path}: not valid JSON (${(error as Error).message})`]);
  }
  if (nestedTooDeep(parsed)) throw new InputError([`--config ${path}: ${TOO_DEEP}`]);
  return parsed;
}

export function validConfigFrom(source: ConfigSource): RunConfig {
  const result = parseRunConfig(rawConfigFrom(source));
  if (!result.ok) throw new InputError(formatIssues(result.issues));
  return result.config;
}
