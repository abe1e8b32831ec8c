import type { Db } from '../sqlite.js';

/** One schema step. `up` runs inside a transaction that also bumps PRAGMA user_version to `version`. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Db): void;
}

/** PRAGMA application_id of a RaPTr Studio database ("RaPT"), so a foreign SQLite file is recognised. */
export const APPLICATION_ID = 0x52615054;
