// Windows, web contents, the session and the small desktop services (menu, shell, dialog), recording
// what main asks of them so tests can assert the security options and drive navigation events.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import type { FakeApp } from './app.js';
import type { FakeFrame, FakeIpcRenderer } from './ipc.js';

type Listener = (...args: never[]) => unknown;

export class FakeSession {
  readonly headersReceived: Listener[] = [];
  readonly beforeRequest: Listener[] = [];
  permissionRequest: Listener | null = null;
  permissionCheck: Listener | null = null;
  devicePermission: Listener | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: Listener) => void this.headersReceived.push(listener),
    onBeforeRequest: (listener: Listener) => void this.beforeRequest.push(listener),
  };
  setPermissionRequestHandler(handler: Listener): void {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: Listener): void {
    this.permissionCheck = handler;
  }
  setDevicePermissionHandler(handler: Listener): void {
    this.devicePermission = handler;
  }
}

export class FakeWebContents extends EventEmitter {
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  /** webContents.postMessage calls, with the ports they transferred. */
  readonly posted: Array<{ channel: string; message: unknown; ports: unknown[] }> = [];
  readonly scripts: string[] = [];
  readonly mainFrame: FakeFrame = { url: '', parent: null };

  constructor(private readonly renderer: FakeIpcRenderer) {
    super();
  }
  getURL(): string {
    return this.url;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
    this.renderer.deliver(channel, payload);
  }
  postMessage(channel: string, message: unknown, ports: unknown[] = []): void {
    this.posted.push({ channel, message, ports });
  }
  executeJavaScript(code: string): Promise<unknown> {
    this.scripts.push(code);
    return Promise.resolve(undefined);
  }
  /** Fires a navigation event the way Chromium would; returns whether main prevented it. */
  navigate(kind: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(kind, { url, preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export interface FakeWindowEnv {
  app: FakeApp;
  renderer: FakeIpcRenderer;
}

export function fakeBrowserWindowClass(env: FakeWindowEnv) {
  return class FakeBrowserWindow extends EventEmitter {
    static readonly all: FakeBrowserWindow[] = [];
    static getAllWindows(): FakeBrowserWindow[] {
      return FakeBrowserWindow.all.filter((w) => !w.destroyed);
    }
    readonly webContents = new FakeWebContents(env.renderer);
    visible = false;
    minimized = false;
    destroyed = false;
    focusCount = 0;

    constructor(readonly options: Record<string, unknown>) {
      super();
      FakeBrowserWindow.all.push(this);
      env.app.emit('web-contents-created', {}, this.webContents);
    }
    loadFile(path: string): Promise<void> {
      return this.loadURL(pathToFileURL(path).href);
    }
    loadURL(url: string): Promise<void> {
      this.webContents.url = url;
      this.webContents.mainFrame.url = url;
      env.renderer.senderFrame = this.webContents.mainFrame;
      setImmediate(() => this.emit('ready-to-show'));
      return Promise.resolve();
    }
    show(): void {
      this.visible = true;
    }
    focus(): void {
      this.focusCount++;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    minimize(): void {
      this.minimized = true;
    }
    restore(): void {
      this.minimized = false;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    destroy(): void {
      if (this.destroyed) return;
      this.destroyed = true;
      this.webContents.destroyed = true;
      this.emit('closed');
    }
    close(): void {
      this.destroy();
    }
  };
}

export class FakeDesktop {
  applicationMenu: { template: unknown[] } | null = null;
  readonly openedExternal: string[] = [];
  readonly openedPaths: string[] = [];
  readonly errorBoxes: Array<{ title: string; content: string }> = [];

  readonly Menu = {
    buildFromTemplate: (template: unknown[]) => ({ template }),
    setApplicationMenu: (menu: { template: unknown[] } | null) => void (this.applicationMenu = menu),
  };
  readonly shell = {
    openExternal: (url: string) => (this.openedExternal.push(url), Promise.resolve()),
    openPath: (path: string) => (this.openedPaths.push(path), Promise.resolve('')),
  };
  readonly dialog = {
    showErrorBox: (title: string, content: string) => void this.errorBoxes.push({ title, content }),
  };
  readonly nativeTheme = { shouldUseDarkColors: false };
}
