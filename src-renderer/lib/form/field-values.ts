// Between what a user types and what the config holds. A number field keeps text it cannot read as the raw
// string, so the schema reports "must be a number" next to that field instead of the input eating it.
import type { ConfigIssue } from '../../../shared/config/validate.js';
import type { FieldKind } from './schema-fields.js';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function parseFieldInput(kind: FieldKind, text: string): unknown {
  const trimmed = text.trim();
  if (kind.type === 'number') {
    if (trimmed === '') return undefined; // the schema's default applies
    return NUMBER.test(trimmed) ? Number(trimmed) : text;
  }
  if (kind.type === 'layers') {
    if (trimmed === '') return undefined;
    if (trimmed.toLowerCase() === 'none') return [];
    return trimmed
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((part) => (NUMBER.test(part) ? Number(part) : part));
  }
  if (kind.type === 'string') return trimmed === '' ? undefined : text;
  return text;
}

export function formatFieldValue(kind: FieldKind, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (kind.type === 'layers' && Array.isArray(value)) return value.length === 0 ? 'none' : value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The issues that belong to the field at `path`: its own, and those of its list items ("fixed[1]"). */
export function issuesAt(issues: readonly ConfigIssue[], path: string): ConfigIssue[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(`${path}[`));
}

/** Issues no visible field claims (a whole-section problem, an unknown key): shown above the form. */
export function unclaimedIssues(issues: readonly ConfigIssue[], paths: readonly string[]): ConfigIssue[] {
  return issues.filter((issue) => !paths.some((p) => issue.path === p || issue.path.startsWith(`${p}[`)));
}
