// Start-up paths that end early: a second launch hands over to the running app (and touches nothing),
// and a database that cannot be opened is explained in a dialog instead of a silent crash. Each test
// loads a fresh main process; the mocked electron module stays one instance across vi.resetModules.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as FakeModule from './fake/electron.js';

vi.mock('electron', () => import('./fake/electron.js'));

const fakeElectron = async () => ((await import('electron')) as unknown as typeof FakeModule).fake;

beforeEach(() => {
  vi.resetModules();
  delete process.env.RAPTR_DB;
  process.env.RAPTR_HOME = mkdtempSync(join(tmpdir(), 'raptr-electron-start-'));
});

describe('starting the desktop app', () => {
  it('quits at once when another instance holds the lock, without opening the database', async () => {
    const fake = await fakeElectron();
    fake.app.hasSingleInstanceLock = false;
    const main = await import('../../src-main/main.js');
    expect(await main.desktopReady).toBeNull();
    expect(fake.app.hasQuit).toBe(true);
    expect(fake.BrowserWindow.all).toHaveLength(0);
    expect(fake.ipcMain.handlers.size).toBe(0);
    expect(existsSync(join(process.env.RAPTR_HOME!, 'raptr.db'))).toBe(false);
  });

  it('explains a database it cannot open, leaves the file alone, and exits', async () => {
    const fake = await fakeElectron();
    fake.app.hasSingleInstanceLock = true;
    const path = join(process.env.RAPTR_HOME!, 'not-a-database.db');
    writeFileSync(
      path,
      'these are not the bytes of an SQLite file, but they are long enough to have a header',
    );
    process.env.RAPTR_DB = path;
    const main = await import('../../src-main/main.js');
    expect(await main.desktopReady).toBeNull();
    expect(fake.desktop.errorBoxes).toEqual([
      {
        title: 'RaPTr Studio cannot open its run database',
        content: expect.stringMatching(/damaged|not an SQLite/),
      },
    ]);
    expect(fake.app.exitCode).toBe(1);
    expect(fake.BrowserWindow.all).toHaveLength(0);
  });
});
