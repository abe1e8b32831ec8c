// Writes cut short by a kill or a full disk leave staging files behind (`.step-N.partial-PID`,
// `model.safetensors.tmp-PID`, an export's `.NAME.partial-PID-T`). A run manager removes those of processes
// that are gone when it starts, and leaves alone the ones a live process may still be writing.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunManager } from '../../src-main/runs/run-manager.js';
import { openDatabase } from '../../src-main/store/index.js';

describe('start-up', () => {
  it('removes the partial files of processes that are gone, and keeps those of live ones', async () => {
    const home = mkdtempSync(join(tmpdir(), 'raptr-hostile-leftovers-'));
    const checkpoints = join(home, 'runs', 'somerun', 'checkpoints');
    const exports = join(home, 'exports');
    mkdirSync(checkpoints, { recursive: true });
    mkdirSync(exports);
    const dead = 999_999_999;
    const stale = [
      join(checkpoints, `.step-00000040.partial-${dead}`),
      join(home, 'runs', 'somerun', `model.safetensors.tmp-${dead}`),
      join(exports, `.metrics.csv.partial-${dead}-1700000000000`),
    ];
    const live = [join(checkpoints, '.step-00000050.partial-1'), join(checkpoints, 'step-00000030')];
    for (const path of [...stale, ...live]) {
      if (path.includes('step-')) mkdirSync(path);
      else writeFileSync(path, 'x');
    }
    writeFileSync(join(stale[0]!, 'model.safetensors'), Buffer.alloc(1024));

    const db = openDatabase(join(home, 'raptr.db'));
    const manager = new RunManager({ db, runsDir: join(home, 'runs'), slots: { gpus: [], cpu: 1 } });
    await manager.shutdown();
    db.close();
    for (const path of stale) expect(existsSync(path), path).toBe(false);
    for (const path of live) expect(existsSync(path), path).toBe(true); // pid 1 is alive; a real checkpoint
  });
});
