// Other spellings of a config field, folded into the one the schema knows before validation, so that a run
// records one canonical config (what `raptr show`, diffs and --reuse compare) whichever spelling it came in.
//
// `eval.stability` is how the stability monitor's switch was first specified (`"eval": { "stability": false }`);
// the app keeps it at `training.stability` beside evalEvery. Either turns it off; both may be given if they
// agree field by field; a problem is reported by the path the user wrote.
import type { ConfigIssue } from './validate.js';
import { StabilitySchema } from './schema.js';

type Raw = Record<string, unknown>;

const isObject = (value: unknown): value is Raw =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const formatIssuePath = (base: string, path: ReadonlyArray<PropertyKey>) =>
  [base, ...path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))].join('');

/** eval.stability as training.stability's settings: `false` is `{ enabled: false }`, an object is the settings. */
function evalStabilitySettings(value: unknown): { settings: Raw } | { issues: ConfigIssue[] } {
  const path = 'eval.stability';
  if (typeof value === 'boolean') return { settings: { enabled: value } };
  if (!isObject(value))
    return {
      issues: [
        {
          path,
          message:
            'expected true, false or the monitor\'s settings ({ "enabled", "heldOutBatches", "masks" })',
        },
      ],
    };
  const parsed = StabilitySchema.safeParse(value);
  if (parsed.success) return { settings: value };
  return {
    issues: parsed.error.issues.map((issue) => ({
      path: formatIssuePath(path, issue.path),
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : issue.message,
    })),
  };
}

/**
 * The input with `eval.stability` moved to `training.stability` (and `eval` removed), or the problems with it.
 * Input without `eval` comes back unchanged (the same object).
 */
export function foldSpellings(input: unknown): { input: unknown; issues: ConfigIssue[] } {
  if (!isObject(input) || !('eval' in input)) return { input, issues: [] };
  const { eval: evalSection, ...rest } = input;
  if (!isObject(evalSection))
    return {
      input,
      issues: [{ path: 'eval', message: 'expected an object such as { "stability": false }' }],
    };
  const { stability, ...unknown } = evalSection;
  const extra = Object.keys(unknown);
  if (extra.length > 0)
    return {
      input,
      issues: [
        {
          path: 'eval',
          message: `unknown field(s) ${extra.map((k) => `"${k}"`).join(', ')} (eval holds only "stability"; the other evaluation settings are under training, such as training.evalEvery)`,
        },
      ],
    };
  if (stability === undefined) return { input: rest, issues: [] };
  const folded = evalStabilitySettings(stability);
  if ('issues' in folded) return { input, issues: folded.issues };

  const training = rest.training === undefined ? {} : rest.training;
  // A training section that is not an object is the schema's to report, by its own path.
  if (!isObject(training)) return { input: rest, issues: [] };
  const existing = training.stability;
  if (existing !== undefined && !isObject(existing)) return { input: { ...rest, training }, issues: [] };
  const conflicts = Object.entries(folded.settings).filter(
    ([key, value]) => existing?.[key] !== undefined && existing[key] !== value,
  );
  if (conflicts.length > 0)
    return {
      input,
      issues: conflicts.map(([key, value]) => ({
        path: typeof stability === 'boolean' ? 'eval.stability' : `eval.stability.${key}`,
        message: `${JSON.stringify(value)} contradicts training.stability.${key} (${JSON.stringify(existing![key])}): set the monitor in one place`,
      })),
    };
  return {
    input: { ...rest, training: { ...training, stability: { ...existing, ...folded.settings } } },
    issues: [],
  };
}
