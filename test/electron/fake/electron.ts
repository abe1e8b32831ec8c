// The one fake electron module the Electron tests share. Use it with
//   vi.mock('electron', () => import('./fake/electron.js'));
// then import `fake` from the same file to reach the recorded state. Each test file gets its own
// instance (vitest isolates files), so tests inside a file share one app, as a real process would.
import { join } from 'node:path';
import { FakeApp } from './app.js';
import { FakeContextBridge, FakeIpcMain, FakeIpcRenderer } from './ipc.js';
import { FakeDesktop, FakeSession, fakeBrowserWindowClass } from './web.js';
import { FakeUtilityProcessModule } from './utility-process.js';
import { FakeMessageChannelMain } from './message-channel.js';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

export const app = new FakeApp(repoRoot);
export const ipcMain = new FakeIpcMain();
export const ipcRenderer = new FakeIpcRenderer(ipcMain);
export const contextBridge = new FakeContextBridge();
export const BrowserWindow = fakeBrowserWindowClass({ app, renderer: ipcRenderer });
export const session = { defaultSession: new FakeSession() };
export const utilityProcess = new FakeUtilityProcessModule();
export const MessageChannelMain = FakeMessageChannelMain;
const desktop = new FakeDesktop();
export const { Menu, shell, dialog, nativeTheme } = desktop;

export const fake = {
  repoRoot,
  app,
  ipcMain,
  ipcRenderer,
  contextBridge,
  BrowserWindow,
  session: session.defaultSession,
  utilityProcess,
  desktop,
};
