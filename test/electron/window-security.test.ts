// The desktop app's security rules, asserted on the real main process (src-main/main.ts) running against
// the fake electron module: window options, CSP, navigation and window.open, permissions, the IPC sender
// check, the menu, the single-instance hand-over and the shared database.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DesktopApp } from '../../src-main/electron/desktop-app.js';
import { contentSecurityPolicy } from '../../src-main/electron/content-policy.js';
import { openGpuRenderer } from '../../src-main/electron/gpu-window.js';
import { appMenuTemplate } from '../../src-main/electron/menu.js';
import { isOwnPage, rendererSource } from '../../src-main/electron/renderer-source.js';
import { fake } from './fake/electron.js';
import { FakeMessageChannelMain } from './fake/message-channel.js';

vi.mock('electron', () => import('./fake/electron.js'));

const home = mkdtempSync(join(tmpdir(), 'raptr-electron-window-'));
let desktop: DesktopApp;
const indexUrl = pathToFileURL(join(fake.repoRoot, 'dist', 'renderer', 'index.html')).href;
const window = () => fake.BrowserWindow.all[0]!;

beforeAll(async () => {
  process.env.RAPTR_HOME = home;
  delete process.env.RAPTR_DB;
  delete process.env.RAPTR_DEV_SERVER_URL;
  const main = await import('../../src-main/main.js');
  desktop = (await main.desktopReady)!;
  await new Promise((resolve) => setImmediate(resolve)); // ready-to-show
});
afterAll(async () => {
  fake.app.quit();
  await fake.app.whenQuit();
});

type Callback<T> = (value: T) => void;

/** The webPreferences every window of the app has, the main window and the hidden GPU window alike. */
const HARDENED = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
};

describe('the desktop window', () => {
  it('shares the CLI database in the user-data folder, sandboxes every renderer', () => {
    expect(fake.app.getName()).toBe('RaPTr Studio');
    expect(fake.app.getPath('userData')).toBe(home);
    expect(desktop.services.databasePath).toBe(join(home, 'raptr.db'));
    expect(fake.app.sandboxEnabled).toBe(true);
  });

  it('is isolated, sandboxed, without Node, and loads only the built renderer', () => {
    expect(fake.BrowserWindow.all).toHaveLength(1);
    const prefs = window().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      ...HARDENED,
      disableBlinkFeatures: 'Auxclick',
      devTools: true, // not packaged: development
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.preload).toBe(join(fake.repoRoot, 'dist', 'preload', 'preload.cjs'));
    expect(window().webContents.getURL()).toBe(indexUrl);
    expect(window().visible).toBe(true);
  });

  it('sends a strict CSP with every response and cancels every request to the network', () => {
    const [onHeaders] = fake.session.headersReceived as Array<
      (d: object, cb: Callback<{ responseHeaders: Record<string, string[]> }>) => void
    >;
    let headers: Record<string, string[]> = {};
    onHeaders!(
      { url: indexUrl, responseHeaders: { 'X-Other': ['1'] } },
      (r) => (headers = r.responseHeaders),
    );
    const csp = headers['Content-Security-Policy']![0]!;
    expect(headers['X-Other']).toEqual(['1']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|\*/);

    const [onRequest] = fake.session.beforeRequest as Array<
      (d: object, cb: Callback<{ cancel: boolean }>) => void
    >;
    const cancelled = (url: string) => {
      let cancel = false;
      onRequest!({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(cancelled('https://cdn.example.com/x.js')).toBe(true);
    expect(cancelled('ws://example.com/socket')).toBe(true);
    expect(cancelled(indexUrl)).toBe(false);
    expect(cancelled('data:image/png;base64,AAAA')).toBe(false);
  });

  it("has a CSP with no high or medium finding from Google's CSP evaluator (electronegativity's)", () => {
    const source = rendererSource({ appPath: fake.repoRoot, isPackaged: false, env: {} });
    const dev = rendererSource({
      appPath: fake.repoRoot,
      isPackaged: false,
      env: { RAPTR_DEV_SERVER_URL: 'http://localhost:5173' },
    });
    for (const policy of [contentSecurityPolicy(source), contentSecurityPolicy(dev)])
      expect(seriousCspFindings(policy)).toEqual([]);
  });

  it('blocks navigation away from our page; web links go to the OS browser, nothing else does', () => {
    const contents = window().webContents;
    expect(contents.navigate('will-navigate', 'https://example.com/phish')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-navigate', `${indexUrl}#/runs/abc`)).toBe(false);
    expect(contents.navigate('will-redirect', 'https://example.com/')).toBe(true);
    expect(fake.desktop.openedExternal).toEqual(['https://example.com/phish']);
  });

  it('denies window.open, opening only http(s) links externally, and refuses <webview>', () => {
    const open = window().webContents.windowOpenHandler!;
    expect(open({ url: 'https://arxiv.org/abs/2402.05913' })).toEqual({ action: 'deny' });
    expect(open({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.desktop.openedExternal.at(-1)).toBe('https://arxiv.org/abs/2402.05913');
    expect(fake.desktop.openedExternal).not.toContain('javascript:alert(1)');
    let prevented = false;
    window().webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('denies every permission request and check', () => {
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read'])
      (fake.session.permissionRequest as (...a: unknown[]) => void)({}, permission, (ok: boolean) =>
        answers.push(ok),
      );
    expect(answers).toEqual([false, false, false, false]);
    expect((fake.session.permissionCheck as () => boolean)()).toBe(false);
    expect((fake.session.devicePermission as () => boolean)()).toBe(false);
  });

  it('answers IPC from our page only: a foreign page or a subframe is refused', async () => {
    const ask = () =>
      fake.ipcRenderer.invoke('presets:list', {}) as Promise<{ ok: boolean; error?: { code: string } }>;
    expect((await ask()).ok).toBe(true);
    const own = fake.ipcRenderer.senderFrame;
    try {
      for (const frame of [
        { url: 'https://evil.example/', parent: null },
        { url: 'file:///tmp/other/index.html', parent: null },
        { url: indexUrl, parent: own }, // an iframe inside our page
      ]) {
        fake.ipcRenderer.senderFrame = frame;
        expect(await ask()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      }
    } finally {
      fake.ipcRenderer.senderFrame = own;
    }
  });

  it('recognises our own page by file and the dev server by origin', () => {
    const file = rendererSource({
      appPath: '/app',
      isPackaged: true,
      env: { RAPTR_DEV_SERVER_URL: 'http://localhost:1' },
    });
    expect(file.kind).toBe('file'); // a packaged app never loads a dev server
    expect(isOwnPage(file, 'file:///app/dist/renderer/index.html?x#/compare')).toBe(true);
    expect(isOwnPage(file, 'file:///app/dist/renderer/other.html')).toBe(false);
    expect(isOwnPage(file, 'about:blank')).toBe(false);
    const dev = rendererSource({
      appPath: '/app',
      isPackaged: false,
      env: { RAPTR_DEV_SERVER_URL: 'http://localhost:5173/' },
    });
    expect(isOwnPage(dev, 'http://localhost:5173/#/runs')).toBe(true);
    expect(isOwnPage(dev, 'http://localhost:5174/')).toBe(false);
    expect(() =>
      rendererSource({
        appPath: '/app',
        isPackaged: false,
        env: { RAPTR_DEV_SERVER_URL: 'https://example.com' },
      }),
    ).toThrow(/localhost/);
  });

  it('has a menu with New Run, Open Runs Folder, Quit, zoom and help; dev tools only in development', () => {
    type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void };
    const menu = fake.desktop.applicationMenu!.template as Item[];
    const items = (menu: Item[]): Item[] => menu.flatMap((m) => [m, ...items(m.submenu ?? [])]);
    const names = items(menu).map((m) => m.label ?? m.role);
    expect(names).toEqual(
      expect.arrayContaining(['New Run…', 'Open Runs Folder', 'quit', 'zoomIn', 'toggleDevTools']),
    );
    items(menu).find((m) => m.label === 'Open Runs Folder')!.click!();
    expect(fake.desktop.openedPaths).toEqual([join(home, 'runs')]);
    items(menu).find((m) => m.label === 'New Run…')!.click!();
    expect(window().webContents.scripts).toEqual(["location.hash = '#/new'"]);
    const actions = { newRun() {}, openRunsFolder() {}, openReadme() {}, showAbout() {} };
    const packaged = items(appMenuTemplate(actions, { isDev: false, isMac: false }) as Item[]);
    expect(packaged.map((m) => m.role)).not.toContain('toggleDevTools');
    expect(packaged.map((m) => m.role)).not.toContain('reload');
  });

  it('a second launch focuses the existing window instead of opening another', async () => {
    window().minimize();
    const focused = window().focusCount;
    fake.app.emit('second-instance', {}, [], '/');
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.BrowserWindow.all).toHaveLength(1);
    expect(window().isMinimized()).toBe(false);
    expect(window().focusCount).toBe(focused + 1);
  });
});

describe('the hidden GPU renderer', () => {
  const gpuPage = join(fake.repoRoot, 'dist', 'gpu-renderer', 'index.html');

  it('gets what Chromium needs for WebGPU on Linux, set before the app is ready', () => {
    const names = fake.app.commandLine.switches.map((s) => (s.value ? `${s.name}=${s.value}` : s.name));
    if (process.platform === 'linux')
      expect(names).toEqual(expect.arrayContaining(['enable-unsafe-webgpu', 'enable-features=Vulkan']));
    expect(names).toContain('enable-webgpu-developer-features');
  });

  it('is hidden, isolated, sandboxed, without Node or dev tools; goes nowhere, opens nothing, gets no IPC', async () => {
    const own = fake.ipcRenderer.senderFrame;
    const external = fake.desktop.openedExternal.length;
    const renderer = openGpuRenderer({
      appPath: fake.repoRoot,
      preloadPath: join(fake.repoRoot, 'dist', 'preload', 'gpu-preload.cjs'),
    });
    const gpu = fake.BrowserWindow.all.at(-1)!;
    try {
      expect(gpu).not.toBe(window());
      expect(gpu.options.show).toBe(false);
      expect(gpu.options.webPreferences).toMatchObject({
        preload: join(fake.repoRoot, 'dist', 'preload', 'gpu-preload.cjs'),
        ...HARDENED,
        devTools: false,
        backgroundThrottling: false,
      });
      expect(gpu.webContents.getURL()).toBe(pathToFileURL(gpuPage).href);

      // Not even a reload of its own page, and nothing goes to the OS browser.
      const contents = gpu.webContents;
      expect(contents.navigate('will-navigate', 'https://example.com/')).toBe(true);
      expect(contents.navigate('will-navigate', contents.getURL())).toBe(true);
      expect(contents.navigate('will-navigate', indexUrl)).toBe(true);
      expect(contents.navigate('will-redirect', indexUrl)).toBe(true);
      expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
      expect(fake.desktop.openedExternal).toHaveLength(external);
      // Its page is not the main window's: the IPC contract refuses it.
      await expect(fake.ipcRenderer.invoke('presets:list', {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });

      // It gets its port once loaded, and says when its process goes, in words.
      const { port2 } = new FakeMessageChannelMain();
      renderer.connect(port2 as never);
      await vi.waitFor(() =>
        expect(contents.posted).toEqual([{ channel: 'raptr:gpu-port', message: null, ports: [port2] }]),
      );
      const reasons: string[] = [];
      renderer.onGone((reason) => reasons.push(reason));
      contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 133 });
      expect(reasons).toEqual(['ended (crashed, exit code 133)']);
      renderer.close();
      expect(gpu.isDestroyed()).toBe(true);
      expect(window().isDestroyed()).toBe(false); // the app stays up
    } finally {
      fake.ipcRenderer.senderFrame = own;
      renderer.close();
    }
  });

  it('has its own CSP (no network, no eval, no WebAssembly) with no high or medium finding', () => {
    const html = readFileSync(join(fake.repoRoot, 'src-main/trainer/gpu-route/renderer/index.html'), 'utf8');
    const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1]!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("connect-src 'none'");
    expect(policy).not.toMatch(/unsafe-eval|wasm-unsafe-eval|unsafe-inline|\*/);
    expect(seriousCspFindings(policy)).toEqual([]);
  });
});

/** What Google's CSP evaluator (electronegativity's own dependency) rates high, medium or broken. */
function seriousCspFindings(policy: string): string[] {
  const scanner = createRequire(import.meta.url).resolve('@doyensec/electronegativity');
  const csp = createRequire(scanner)('@doyensec/csp-evaluator') as CspEvaluatorModule;
  const findings = new csp.CspEvaluator(new csp.CspParser(policy).csp, csp.Version.CSP3).evaluate();
  const serious = [
    csp.severities.HIGH,
    csp.severities.SYNTAX,
    csp.severities.MEDIUM,
    csp.severities.HIGH_MAYBE,
  ];
  return findings.filter((f) => serious.includes(f.severity)).map((f) => f.description);
}

interface CspEvaluatorModule {
  CspParser: new (policy: string) => { csp: unknown };
  CspEvaluator: new (
    csp: unknown,
    version: unknown,
  ) => {
    evaluate(): Array<{ severity: number; description: string }>;
  };
  Version: { CSP3: unknown };
  severities: Record<'HIGH' | 'SYNTAX' | 'MEDIUM' | 'HIGH_MAYBE', number>;
}
