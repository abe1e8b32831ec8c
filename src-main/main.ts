// The Electron main process: the desktop app's entry (package.json "main" -> dist/src-main/main.js).
// Everything here runs before Electron is ready; the app itself is wired in electron/desktop-app.ts.
import { app } from 'electron';
import { startDesktopApp, type DesktopApp } from './electron/desktop-app.js';
import { webgpuSwitches } from './electron/webgpu-switches.js';
import { APP_FOLDER, defaultDatabasePath, userDataDir } from './paths.js';

// The CLI and `raptr serve` keep their database in this folder: the desktop app opens the same file.
app.setName(APP_FOLDER);
app.setPath('userData', userDataDir());
// Every renderer is sandboxed, whatever a window's own options say.
app.enableSandbox();
// What Chromium needs for WebGPU here (a run on the GPU trains in a hidden renderer on it).
for (const { name, value } of webgpuSwitches(process.platform)) app.commandLine.appendSwitch(name, value);

/** Resolves when the window is up (null when this launch handed over to a running instance). */
export const desktopReady: Promise<DesktopApp | null> = app.requestSingleInstanceLock()
  ? startDesktopApp(defaultDatabasePath())
  : handOver();

// One process owns the database and the trainers: a second launch focuses the first one's window.
app.on('second-instance', () => void desktopReady.then((desktop) => desktop?.showWindow()));
// Ctrl-C in a terminal quits the same way as the menu: runs stop with a checkpoint first.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

desktopReady.catch((error: unknown) => {
  console.error('RaPTr Studio failed to start:', error);
  app.exit(1);
});

function handOver(): Promise<null> {
  app.quit();
  return Promise.resolve(null);
}
