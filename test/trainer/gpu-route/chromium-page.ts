// The GPU renderer's bundle in headless Debian Chromium, as the tests drive it: the bundle built by the
// app's own build script, served from a loopback http page with the page's CSP sent as a header too,
// Chromium's WebGPU unlocked (on SwiftShader here), and the page's MessagePort bridged to this process so
// the real utility-process side (gpu-route/utility/) talks to it. Console errors and page errors (a CSP
// violation among them) are collected for the tests to assert on.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { asFlags, webgpuSwitches } from '../../../src-main/electron/webgpu-switches.js';
import { CHROMIUM_ARGS, hasChromium, launchChromium } from '../../../src-main/repro/chromium.js';
import type { EnginePort } from '../../../src-main/trainer/gpu-route/engine-port.js';

const root = join(import.meta.dirname, '..', '..', '..');

/** Builds the bundle with the app's script into a fresh folder, so the test runs today's sources. */
export function buildBundle(): string {
  const out = mkdtempSync(join(tmpdir(), 'raptr-gpu-renderer-'));
  execFileSync(process.execPath, [join(root, 'scripts', 'build-gpu-renderer.mjs'), out], { stdio: 'pipe' });
  return out;
}

/** The CSP of the bundled page's <meta> tag, sent as a header as well. */
function pagePolicy(dir: string): string {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const policy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  if (!policy) throw new Error('the GPU renderer page has no CSP meta tag');
  return policy;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

export async function serveBundle(dir: string): Promise<{ url: string; policy: string; close(): void }> {
  const policy = pagePolicy(dir);
  const server: Server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const file = join(dir, path === '/' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      response.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': policy,
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/`, policy, close: () => server.close() };
}

/** Headless Chromium with the GPU process on and the switches the desktop app sets on Linux. */
export async function launchWebgpuChromium(): Promise<Browser> {
  const base = CHROMIUM_ARGS.filter((flag) => flag !== '--disable-gpu');
  return launchChromium([...base, ...asFlags(webgpuSwitches('linux'))]);
}

/**
 * For one test file: builds and serves the bundle and starts Chromium once (beforeAll, after `prepare`),
 * and closes both at the end. Nothing happens where Chromium is not installed (those tests skip).
 */
export function chromiumWithBundle(prepare?: () => void): { browser(): Browser; url(): string } {
  let browser: Browser | undefined;
  let served: Awaited<ReturnType<typeof serveBundle>> | undefined;
  beforeAll(async () => {
    if (!hasChromium) return;
    prepare?.();
    served = await serveBundle(buildBundle());
    browser = await launchWebgpuChromium();
  }, 600_000); // a vite build and a browser start: seconds alone, minutes on a loaded machine
  afterAll(async () => {
    await browser?.close();
    served?.close();
  });
  return { browser: () => browser!, url: () => served!.url };
}

export interface RendererPage {
  page: Page;
  /** The utility process's end of the port (what MessagePortMain is in the app). */
  port: EnginePort;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  close(): Promise<void>;
  /**
   * Destroys every GPU device the page has made, as a GPU reset or a removed card would take them away:
   * the page's WebGPU reports each lost (reason "destroyed"). Resolves with how many there were.
   */
  loseDevices(): Promise<number>;
}

/** Whatever GPUDevice the page requests is kept here for loseDevices (injected before the page runs). */
const KEEP_DEVICES = `(() => {
  const kept = (globalThis.raptrTestDevices = []);
  if (typeof GPUAdapter === 'undefined') return;
  const request = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (...args) {
    const device = await request.apply(this, args);
    kept.push(device);
    return device;
  };
})();`;

/**
 * Opens the bundle and hands it a MessagePort the way the preload does (window.postMessage with the
 * port); the port's other end is bridged to this process. Messages keep their order both ways; typed
 * arrays and non-finite numbers cross the bridge intact (playwright serializes both).
 */
export async function openRendererPage(browser: Browser, url: string): Promise<RendererPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  // Messages that arrive before anyone listens (the hello) wait for the first handler.
  const early: unknown[] = [];
  let handler: (message: unknown) => void = (message) => void early.push(message);
  const closeHandlers: Array<() => void> = [];
  let gone = false;
  const goneNow = () => {
    if (gone) return;
    gone = true;
    for (const h of closeHandlers) h();
  };
  page.on('crash', goneNow);
  page.on('close', goneNow);
  // The test's own hook, run before the bundle (and outside its CSP): the page's code is not changed.
  await page.addInitScript(KEEP_DEVICES);
  await page.exposeBinding('raptrToNode', (_source, message: unknown) => handler(message));
  await page.goto(url);
  await page.evaluate(() => {
    // In the page (globalThis is its window); typed by hand, as this file is compiled for Node.
    type BrowserPort = { onmessage: (event: { data: unknown }) => void; postMessage(m: unknown): void };
    const page = globalThis as unknown as {
      MessageChannel: new () => { port1: BrowserPort; port2: BrowserPort };
      postMessage(message: string, origin: string, transfer: BrowserPort[]): void;
      raptrToNode(message: unknown): void;
      raptrFromNode(message: unknown): void;
    };
    const { port1, port2 } = new page.MessageChannel();
    port1.onmessage = (event) => page.raptrToNode(event.data);
    page.raptrFromNode = (message) => port1.postMessage(message);
    page.postMessage('raptr:gpu-port', '*', [port2]);
  });
  let outbox: Promise<unknown> = Promise.resolve();
  const port: EnginePort = {
    post: (message) => {
      outbox = outbox
        .then(() =>
          page.evaluate(
            (m) => (globalThis as unknown as { raptrFromNode(m: unknown): void }).raptrFromNode(m),
            message,
          ),
        )
        .catch(() => {}); // a closed page: its close event reports it
    },
    onMessage: (next) => {
      handler = next;
      for (const message of early.splice(0)) next(message);
    },
    onClose: (next) => void closeHandlers.push(next),
    close: () => {},
  };
  const loseDevices = () =>
    page.evaluate(() => {
      const kept = (globalThis as unknown as { raptrTestDevices: Array<{ destroy(): void }> })
        .raptrTestDevices;
      for (const device of kept) device.destroy();
      return kept.length;
    });
  return { page, port, errors, close: () => page.close(), loseDevices };
}
