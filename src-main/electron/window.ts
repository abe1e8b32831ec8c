// The main window and the rules every web page in the app lives by (Electron's security checklist):
// an isolated, sandboxed renderer without Node, our own page only, no navigation away from it, no new
// windows (http(s) links open in the OS browser instead), no <webview>.
import { BrowserWindow, shell, type WebContents } from 'electron';
import { isGpuRenderer } from './gpu-window.js';
import { isOwnPage, type RendererSource } from './renderer-source.js';

export interface WindowOptions {
  source: RendererSource;
  preloadPath: string;
  /** Developer tools and reload: only while developing, never in the packaged app. */
  devTools: boolean;
  dark: boolean;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: 'RaPTr Studio',
    width: 1360,
    height: 880,
    minWidth: 900,
    minHeight: 600,
    show: false, // shown once painted, so the user never sees an empty white frame
    backgroundColor: options.dark ? '#1b1b1f' : '#ffffff',
    // Written out here, not built elsewhere, so a reader (and electronegativity) sees every option.
    webPreferences: {
      // Reviewed: a bundled preload that exposes one function per contract channel, nothing generic.
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click would open a link in a new window without passing setWindowOpenHandler's checks.
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  window.once('ready-to-show', () => window.show());
  const { source } = options;
  if (source.kind === 'file') void window.loadFile(source.indexPath);
  else void window.loadURL(source.url.href);
  return window;
}

/**
 * Applied to every web contents the app creates (app 'web-contents-created'), windows and dev tools. A GPU
 * renderer (gpu-window.ts) has no links to follow: it navigates nowhere and opens nothing, not even in
 * the OS browser.
 */
export function guardWebContents(contents: WebContents, source: RendererSource): void {
  const linksWork = () => !isGpuRenderer(contents);
  contents.on('will-navigate', (event) => {
    // Reloads of our own page (dev hot reload) stay allowed.
    if (linksWork() && isOwnPage(source, event.url)) return;
    event.preventDefault();
    if (linksWork()) openInBrowser(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!linksWork() || !isOwnPage(source, event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (linksWork()) openInBrowser(url);
    return { action: 'deny' };
  });
}

/** Only web links leave the app, and only to the OS browser: never file:, javascript: or custom schemes. */
export function openInBrowser(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return false;
  // Reviewed: the scheme is checked above (http/https only), which is what the check asks for.
  void shell.openExternal(parsed.href); // eng-disable OPEN_EXTERNAL_JS_CHECK
  return true;
}
