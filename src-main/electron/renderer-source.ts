// Where the window's page comes from, and the one test of "is this our own page?" that the IPC sender
// check, the navigation guard and the live-event forwarder all share. Pure: no Electron import, so the
// rules are unit-testable and the same in every caller.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type RendererSource =
  /** The built renderer (dist/renderer/index.html inside the app folder or app.asar). */
  | { kind: 'file'; indexPath: string; url: URL }
  /** `vite` dev server, only when the app is not packaged and RAPTR_DEV_SERVER_URL is set. */
  | { kind: 'dev-server'; url: URL };

/** The renderer build's place inside the app; `raptr serve` serves the same folder. */
export const RENDERER_INDEX = join('dist', 'renderer', 'index.html');

export interface RendererSourceInput {
  appPath: string;
  isPackaged: boolean;
  env: NodeJS.ProcessEnv;
}

export function rendererSource({ appPath, isPackaged, env }: RendererSourceInput): RendererSource {
  const devServer = env.RAPTR_DEV_SERVER_URL;
  if (devServer && !isPackaged) return { kind: 'dev-server', url: loopbackHttpUrl(devServer) };
  const indexPath = join(appPath, RENDERER_INDEX);
  return { kind: 'file', indexPath, url: pathToFileURL(indexPath) };
}

/**
 * True only for our page: the same file (any hash or query: the renderer routes with them), or the
 * dev server's origin. Everything else (another file, a remote site, about:blank, a data: URL) is foreign.
 */
export function isOwnPage(source: RendererSource, candidate: string | undefined | null): boolean {
  if (!candidate) return false;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (source.kind === 'dev-server') return url.origin === source.url.origin;
  return url.protocol === 'file:' && url.host === source.url.host && url.pathname === source.url.pathname;
}

/** The dev server must be plain http on this machine: the window must never load remote content. */
function loopbackHttpUrl(raw: string): URL {
  const url = new URL(raw);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'http:' || !loopback)
    throw new Error(`RAPTR_DEV_SERVER_URL must be http://localhost:<port> (got ${raw})`);
  return url;
}
