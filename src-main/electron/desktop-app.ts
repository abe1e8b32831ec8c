// Wires the desktop app together once Electron is ready: services, security rules, IPC, the window,
// the menu and the quit sequence. Each piece lives in its own module; this file only connects them.
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeTheme, session, shell } from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../shared/error-text.js';
import { runsDirFor } from '../paths.js';
import { utilityTrainer } from '../runs/electron-host.js';
import { openAppServices, type AppServices } from './app-services.js';
import { installContentPolicy } from './content-policy.js';
import { forwardLiveEvents, registerIpcHandlers } from './ipc.js';
import { appMenuTemplate } from './menu.js';
import { openGpuRenderer } from './gpu-window.js';
import { guardQuit } from './quit-guard.js';
import { isOwnPage, rendererSource, type RendererSource } from './renderer-source.js';
import { createMainWindow, guardWebContents } from './window.js';

export interface DesktopApp {
  services: AppServices;
  source: RendererSource;
  /** Shows the main window, creating it if there is none (second launch, dock click). */
  showWindow(): BrowserWindow;
}

export async function startDesktopApp(databasePath: string): Promise<DesktopApp | null> {
  await app.whenReady();
  const source = rendererSource({ appPath: app.getAppPath(), isPackaged: app.isPackaged, env: process.env });
  const ownPage = (url: string | undefined) => isOwnPage(source, url);

  // Trainers are utility processes; one training on WebGPU gets a hidden GPU renderer of its own.
  const preloads = join(app.getAppPath(), 'dist', 'preload');
  const gpuRenderer = () =>
    openGpuRenderer({ appPath: app.getAppPath(), preloadPath: join(preloads, 'gpu-preload.cjs') });
  let services: AppServices;
  try {
    services = openAppServices({
      databasePath,
      electronVersion: process.versions.electron ?? 'unknown',
      launch: (env) => utilityTrainer(env, gpuRenderer),
    });
  } catch (error) {
    dialog.showErrorBox('RaPTr Studio cannot open its run database', explainOpenFailure(error));
    app.exit(1);
    return null;
  }

  installContentPolicy(session.defaultSession, source);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, source));
  registerIpcHandlers(ipcMain, services.handlers, ownPage);
  forwardLiveEvents(services.live, () => BrowserWindow.getAllWindows().map((w) => w.webContents), ownPage);

  let window: BrowserWindow | null = null;
  const showWindow = (): BrowserWindow => {
    if (!window || window.isDestroyed()) {
      window = createMainWindow({
        source,
        preloadPath: join(preloads, 'preload.cjs'),
        devTools: !app.isPackaged,
        dark: nativeTheme.shouldUseDarkColors,
      });
      // Hidden GPU renderers are windows too, so 'window-all-closed' would wait for them: closing the
      // main window is what quits (except on macOS, below).
      window.on('closed', () => {
        if (process.platform !== 'darwin') app.quit();
      });
    }
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
    return window;
  };

  const runsDir = runsDirFor(databasePath);
  const menu = appMenuTemplate(
    {
      // The renderer routes by hash (file:// pages have no server to route paths).
      newRun: () =>
        showWindow()
          .webContents.executeJavaScript("location.hash = '#/new'")
          .catch(() => {}),
      openRunsFolder: () => {
        mkdirSync(runsDir, { recursive: true });
        void shell.openPath(runsDir);
      },
      openReadme: () => void shell.openPath(readmePath()),
      showAbout: () => app.showAboutPanel(),
    },
    { isDev: !app.isPackaged, isMac: process.platform === 'darwin' },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu));
  app.setAboutPanelOptions({
    applicationName: 'RaPTr Studio',
    applicationVersion: app.getVersion(),
    copyright: 'MIT License',
  });

  guardQuit(app, {
    shutdown: () => services.shutdown(),
    forceStop: () => services.forceStop(),
    onError: (error) => console.error('RaPTr Studio: stopping the runs failed:', error),
  });
  app.on('window-all-closed', () => {
    // macOS apps stay open without windows (runs keep training); elsewhere closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => showWindow());

  showWindow();
  return { services, source, showWindow };
}

/** The README ships beside app.asar (extraResources) so the OS can open it; in development, the repo's. */
function readmePath(): string {
  return app.isPackaged ? join(process.resourcesPath, 'README.md') : join(app.getAppPath(), 'README.md');
}

function explainOpenFailure(error: unknown): string {
  const message = errorMessage(error);
  if (/NODE_MODULE_VERSION|different Node\.js version|invalid ELF header|not a valid Win32/.test(message))
    return (
      'The SQLite driver (better-sqlite3) is built for Node.js, not for Electron.\n\n' +
      'Run `npm run rebuild:electron` in the RaPTr Studio folder (npm start does it for you).\n\n' +
      message
    );
  return message;
}
