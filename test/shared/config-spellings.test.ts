// The stability monitor's switch spelled as the issue first wrote it, `eval.stability`: the same run config
// as training.stability (so a run records one spelling), merged with it where they agree, refused by the
// path the user wrote where they do not or where its value is wrong.
import { describe, expect, it } from 'vitest';
import { applyOverride, parseOverride } from '../../shared/config/overrides.js';
import { foldSpellings } from '../../shared/config/spellings.js';
import { formatIssues, mustParseRunConfig, parseRunConfig } from '../../shared/config/validate.js';
import { stabilitySettings } from '../../shared/stability.js';

function problems(input: unknown): string[] {
  const result = parseRunConfig(input);
  return result.ok ? [] : formatIssues(result.issues);
}

const base = { training: { steps: 300, evalEvery: 50 } };

describe('eval.stability', () => {
  it('false is training.stability.enabled false: the same validated config, with no eval section', () => {
    const spelled = mustParseRunConfig({ ...base, eval: { stability: false } });
    const canonical = mustParseRunConfig({ training: { ...base.training, stability: { enabled: false } } });
    expect(spelled).toEqual(canonical);
    expect(spelled).not.toHaveProperty('eval');
    expect(stabilitySettings(spelled).enabled).toBe(false);
    expect(stabilitySettings(mustParseRunConfig({ eval: { stability: true } })).enabled).toBe(true);
  });

  it("takes the monitor's settings too, and merges them with training.stability where they agree", () => {
    const settings = stabilitySettings(mustParseRunConfig({ eval: { stability: { masks: 8 } } }));
    expect(settings).toEqual({ enabled: true, heldOutBatches: 2, masks: 8 });
    const merged = mustParseRunConfig({
      training: { stability: { heldOutBatches: 4 } },
      eval: { stability: false },
    });
    expect(merged.training.stability).toEqual({ enabled: false, heldOutBatches: 4, masks: 4 });
    const agreeing = mustParseRunConfig({
      training: { stability: { enabled: false } },
      eval: { stability: false },
    });
    expect(agreeing.training.stability?.enabled).toBe(false);
  });

  it('works as a --set override, as any other field', () => {
    const config = applyOverride(base, parseOverride('eval.stability=false'));
    expect(stabilitySettings(mustParseRunConfig(config)).enabled).toBe(false);
  });

  it('refuses a contradiction, naming both places, and keeps every other problem by the path written', () => {
    expect(problems({ training: { stability: { enabled: true } }, eval: { stability: false } })).toEqual([
      'eval.stability: false contradicts training.stability.enabled (true): set the monitor in one place',
    ]);
    expect(problems({ training: { stability: { masks: 2 } }, eval: { stability: { masks: 6 } } })).toEqual([
      'eval.stability.masks: 6 contradicts training.stability.masks (2): set the monitor in one place',
    ]);
    expect(problems({ eval: { stability: 'off' } })).toEqual([
      'eval.stability: expected true, false or the monitor\'s settings ({ "enabled", "heldOutBatches", "masks" })',
    ]);
    expect(problems({ eval: { stability: { masks: 0 } } })[0]).toMatch(/^eval\.stability\.masks: /);
    expect(problems({ eval: { stability: { mask: 3 } } })).toEqual([
      'eval.stability: unknown field(s) "mask"',
    ]);
    expect(problems({ eval: { every: 10 } })[0]).toMatch(
      /^eval: unknown field\(s\) "every" .*training\.evalEvery/,
    );
    expect(problems({ eval: 3 })).toEqual(['eval: expected an object such as { "stability": false }']);
    expect(problems({ eval: [] })).toEqual(['eval: expected an object such as { "stability": false }']);
  });

  it('turned off, it cannot carry adaptive stage lengths, which need its forecast', () => {
    const adaptive = {
      eval: { stability: false },
      policy: { kind: 'raptr', schedule: { label: '6-8-10-12', lengths: 'adaptive' } },
    };
    expect(problems(adaptive).join('\n')).toContain(
      "adaptive stage lengths need the stability monitor's forecast",
    );
  });

  it('leaves configs without it as they were: old configs and recorded runs read the same', () => {
    const old = { training: { stability: { enabled: false, masks: 2 } } };
    expect(foldSpellings(old).input).toBe(old);
    expect(mustParseRunConfig(old).training.stability).toEqual({
      enabled: false,
      heldOutBatches: 2,
      masks: 2,
    });
    // An empty eval section is nothing to fold; the training section the schema still checks.
    expect(mustParseRunConfig({ eval: {} })).toEqual(mustParseRunConfig({}));
    expect(problems({ eval: { stability: false }, training: 5 })[0]).toMatch(/^training: /);
  });
});
