// Asks the host (the desktop app's main process) for a hidden GPU renderer, and waits for the port main
// sends and for the renderer's hello, which says what adapter Chromium's WebGPU offers.
import type { HostRequest } from '../../../../shared/trainer-protocol.js';
import type { EnginePort } from '../engine-port.js';
import { AdapterReportSchema, RendererMessageSchema, type AdapterReport } from '../protocol.js';
import type { RendererConnection } from './choose-route.js';
import { enginePortOf, isMessagePortMain } from './message-port-main.js';

export interface OpenerTimeouts {
  /** For main to create the window and send the port. */
  portMs: number;
  /** For the page to load and ask navigator.gpu for an adapter. */
  helloMs: number;
}

const DEFAULT_TIMEOUTS: OpenerTimeouts = { portMs: 30_000, helloMs: 60_000 };

export class RendererOpener {
  private pending: { resolve(ports: readonly unknown[]): void; reject(error: Error): void } | null = null;

  constructor(
    private readonly askHost: (request: HostRequest) => void,
    private readonly timeouts: OpenerTimeouts = DEFAULT_TIMEOUTS,
  ) {}

  /** Main's 'gpu-renderer' message, with its ports. */
  offered(ports: readonly unknown[]): void {
    const pending = this.pending;
    this.pending = null;
    if (pending) pending.resolve(ports);
    else for (const port of ports) if (isMessagePortMain(port)) port.close(); // nobody asked
  }

  /** Main's 'gpu-renderer-gone'; true when it answered an open in progress (else it concerns a run). */
  gone(reason: string): boolean {
    const pending = this.pending;
    this.pending = null;
    pending?.reject(new Error(reason));
    return pending !== null;
  }

  readonly open = async (): Promise<RendererConnection> => {
    const ports = await within(
      this.timeouts.portMs,
      'the app did not open a GPU renderer',
      new Promise<readonly unknown[]>((resolve, reject) => {
        this.pending = { resolve, reject };
        this.askHost({ type: 'open-gpu-renderer' });
      }),
    );
    const raw = ports[0];
    if (ports.length !== 1 || !isMessagePortMain(raw))
      throw new Error(`the app sent ${ports.length} port(s) for the GPU renderer, not one`);
    const port = enginePortOf(raw);
    const close = () => {
      port.close();
      this.askHost({ type: 'close-gpu-renderer' });
    };
    try {
      const adapter = await within(this.timeouts.helloMs, 'the GPU renderer did not load', hello(port));
      return { port, adapter, close };
    } catch (error) {
      close();
      throw error;
    }
  };
}

/** The renderer's first message: which adapter navigator.gpu offers. */
function hello(port: EnginePort): Promise<AdapterReport> {
  return new Promise((resolve, reject) => {
    port.onClose(() => reject(new Error('the GPU renderer closed before it said which adapter it has')));
    port.onMessage((raw) => {
      const parsed = RendererMessageSchema.safeParse(raw);
      if (!parsed.success || parsed.data.type !== 'hello')
        return reject(new Error('the GPU renderer did not begin with its hello'));
      resolve(AdapterReportSchema.parse(parsed.data.adapter));
    });
  });
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms)),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
