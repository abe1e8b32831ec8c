// A small in-process stand-in for Electron's `app`: paths, the single-instance lock, ready, and the quit
// sequence (before-quit can be prevented, as in Electron; will-quit and quit follow when it is not).
import { EventEmitter } from 'node:events';
import { join } from 'node:path';

export class PreventableEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeApp extends EventEmitter {
  readonly isPackaged = false;
  sandboxEnabled = false;
  hasSingleInstanceLock = true;
  exitCode: number | null = null;
  quitCount = 0;
  aboutShown = 0;
  /** app.commandLine: the Chromium switches main appended before the app was ready. */
  readonly commandLine = {
    switches: [] as Array<{ name: string; value: string | undefined }>,
    appendSwitch: (name: string, value?: string) => void this.commandLine.switches.push({ name, value }),
  };
  private name = 'raptr-studio';
  private readonly paths = new Map<string, string>();
  private quitted = false;
  private readonly quitWaiters: Array<() => void> = [];

  constructor(private readonly appPath: string) {
    super();
  }

  getAppPath(): string {
    return this.appPath;
  }
  getName(): string {
    return this.name;
  }
  setName(name: string): void {
    this.name = name;
  }
  getVersion(): string {
    return '0.1.0';
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? join('/nonexistent-fake-electron', name);
  }
  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  requestSingleInstanceLock(): boolean {
    return this.hasSingleInstanceLock;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  setAboutPanelOptions(): void {}
  showAboutPanel(): void {
    this.aboutShown++;
  }

  quit(): void {
    this.quitCount++;
    const event = new PreventableEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented || this.quitted) return;
    this.quitted = true;
    this.emit('will-quit', new PreventableEvent());
    this.emit('quit');
    for (const resolve of this.quitWaiters.splice(0)) resolve();
  }
  exit(code = 0): void {
    this.exitCode = code;
  }

  /** Resolves once a quit went through (nothing prevented it). */
  whenQuit(): Promise<void> {
    return this.quitted ? Promise.resolve() : new Promise((resolve) => this.quitWaiters.push(resolve));
  }
  get hasQuit(): boolean {
    return this.quitted;
  }
}
