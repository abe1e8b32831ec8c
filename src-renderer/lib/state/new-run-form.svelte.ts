// The new-run form: the config the user is writing (only what differs from the defaults), checked on every
// keystroke by the same pure checkConfig the server runs, so the stage timeline and the predicted FLOPs
// saving update as the user types and each validation message sits next to its field.
import type { ConfigCheck, Preset, RunSummary } from '../../../shared/api-types.js';
import { checkConfig } from '../../../shared/config/check.js';
import type { ConfigIssue } from '../../../shared/config/validate.js';
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { issuesAt, unclaimedIssues } from '../form/field-values.js';
import { configFields, setValueAt, valueAt, visiblePaths, type FieldSpec } from '../form/schema-fields.js';
import { ApiFailure, call, messageOf } from './call.js';

type ValidCheck = Extract<ConfigCheck, { valid: true }>;
export type ConfigDraft = Record<string, unknown>;

export class NewRunForm {
  readonly fields: FieldSpec[] = configFields();
  private readonly unionPaths = unionPathsOf(this.fields);

  config: ConfigDraft = $state({});
  presetName: string | null = $state(null);
  tagsText = $state('');
  presets: Preset[] = $state([]);
  submitting = $state(false);
  submitError: string | null = $state(null);
  /** Problems the server found that the local check did not (a file path that does not exist, ...). */
  serverIssues: ConfigIssue[] = $state([]);
  importError: string | null = $state(null);

  check: ConfigCheck = $derived(checkConfig($state.snapshot(this.config)));
  issues: ConfigIssue[] = $derived([...(this.check.valid ? [] : this.check.issues), ...this.serverIssues]);
  unclaimed = $derived(unclaimedIssues(this.issues, visiblePaths(this.fields, this.config)));

  private lastValid: ValidCheck | null = null;
  /** The latest valid check: the timeline keeps showing it (dimmed) while the user is mid-edit. */
  preview: { check: ValidCheck; stale: boolean } | null = $derived.by(() => {
    if (this.check.valid) this.lastValid = this.check;
    return this.lastValid ? { check: this.lastValid, stale: !this.check.valid } : null;
  });

  constructor(private readonly api: RaptrApi) {}

  async loadPresets(initial = 'quickstart'): Promise<void> {
    try {
      this.presets = await call(this.api.presets.list({}));
      if (this.presetName === null && Object.keys(this.config).length === 0) this.applyPreset(initial);
    } catch (error) {
      this.submitError = `Could not load the presets: ${messageOf(error)}`;
    }
  }

  applyPreset(name: string): void {
    const preset = this.presets.find((p) => p.name === name);
    if (!preset) return;
    this.config = $state.snapshot(preset.config) as ConfigDraft;
    this.presetName = name;
    this.serverIssues = [];
  }

  valueOf(path: string): unknown {
    return valueAt(this.config, path);
  }

  /** What the run will use for a field the user left empty (defaults, computed ones included). */
  effectiveValue(path: string): unknown {
    const source = this.preview?.check.config;
    return source ? valueAt(source, path) : undefined;
  }

  set(path: string, value: unknown): void {
    // A field inside a tagged union the user never touched (task, policy, corpus) needs the union's kind
    // written too, or the schema cannot tell which object it is.
    for (const union of this.unionPaths) {
      if (!path.startsWith(`${union}.`)) continue;
      const current = valueAt(this.config, union);
      const kind = (this.effectiveValue(union) as { kind?: unknown } | undefined)?.kind;
      if ((typeof current !== 'object' || current === null) && kind !== undefined)
        setValueAt(this.config, union, { kind });
      else if (typeof current === 'object' && current !== null && !('kind' in current) && kind !== undefined)
        setValueAt(this.config, `${union}.kind`, kind);
    }
    setValueAt(this.config, path, value);
    this.serverIssues = this.serverIssues.filter((i) => i.path !== path);
  }

  /** Switching a policy or task kind starts that kind from its defaults (strict objects refuse strays). */
  setKind(path: string, kind: string): void {
    this.set(path, { kind });
  }

  issuesFor(path: string): ConfigIssue[] {
    return issuesAt(this.issues, path);
  }

  exportJson(): string {
    return `${JSON.stringify($state.snapshot(this.config), null, 2)}\n`;
  }

  importJson(text: string): boolean {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('the file must hold one JSON object (a run config)');
      this.config = parsed as ConfigDraft;
      this.presetName = null;
      this.importError = null;
      this.serverIssues = [];
      return true;
    } catch (error) {
      this.importError = `Could not import: ${messageOf(error)}`;
      return false;
    }
  }

  async submit(): Promise<RunSummary | null> {
    if (!this.check.valid || this.submitting) return null;
    this.submitting = true;
    this.submitError = null;
    try {
      const config: ConfigDraft = $state.snapshot(this.config);
      const rawName = config.name;
      const name = typeof rawName === 'string' && rawName.trim() ? rawName.trim() : undefined;
      const tags = this.tagsText
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      return await call(this.api.runs.create({ config, name, preset: this.presetName, tags }));
    } catch (error) {
      if (error instanceof ApiFailure && error.error.issues)
        this.serverIssues = error.error.issues.map((i) => ({ ...i, path: i.path.replace(/^config\./, '') }));
      this.submitError = messageOf(error);
      return null;
    } finally {
      this.submitting = false;
    }
  }
}

/** Paths of the tagged unions in the form, outermost first ("task", "task.corpus", "policy"). */
function unionPathsOf(fields: readonly FieldSpec[]): string[] {
  return fields.flatMap((field) => {
    const { kind } = field;
    if (kind.type === 'group') return unionPathsOf(kind.fields);
    if (kind.type === 'union') return [field.path, ...kind.options.flatMap((o) => unionPathsOf(o.fields))];
    return [];
  });
}
