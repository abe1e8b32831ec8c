// Every migration, in order. Append only: a shipped migration is never edited, a new one is added.
import { migration001 } from './001-runs.js';
import { migration002 } from './002-metrics.js';
import { migration003 } from './003-events-checkpoints.js';
import { migration004 } from './004-ownership.js';
import { migration005 } from './005-eval-masking.js';
import type { Migration } from './migration.js';

export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
];
export const LATEST_VERSION = MIGRATIONS.length;
export { APPLICATION_ID, type Migration } from './migration.js';
