// MLM runs recorded before task.evalMasking existed measured eval/mlm_loss and eval/mlm_acc with the
// training masking (80% [MASK], 10% random, 10% unchanged); later runs put [MASK] at every target. Their
// configs say so explicitly from here on, so readers label each run's figures truly and a resumed run keeps
// measuring the way it started. A run that never started measured nothing: it takes the new default.
// Series are untouched. (shared/config/recorded.ts applies the same rule to bundles and checkpoints.)
import type { Migration } from './migration.js';

export const migration005: Migration = {
  version: 5,
  name: 'eval-masking',
  up(db) {
    db.exec(`
      UPDATE runs
      SET config = json_set(config, '$.task.evalMasking',
        CASE WHEN started_at IS NULL THEN 'every-target' ELSE 'training-rule' END)
      WHERE json_extract(config, '$.task.kind') = 'mlm'
        AND json_type(config, '$.task.evalMasking') IS NULL;
    `);
  },
};
