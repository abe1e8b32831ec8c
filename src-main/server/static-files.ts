// The built renderer, served as files: index.html for "/" (and any folder), the right MIME types, and
// nothing outside the renderer's folder (the decoded path is resolved and must stay inside it, symlinks
// included). Until the renderer is built, every page is an honest explanation of how to build it.
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { notBuiltPage } from './not-built-page.js';
import { replyHtml, SECURITY_HEADERS } from './replies.js';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** dist/renderer in the package folder, found from this file whether it runs from source or from dist/. */
export function defaultStaticDir(): string {
  let folder = import.meta.dirname;
  for (let up = 0; up < 6; up++) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && readPackageName(manifest) === 'raptr-studio')
      return join(folder, 'dist', 'renderer');
    folder = dirname(folder);
  }
  return resolve('dist', 'renderer');
}

export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  staticDir: string,
): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return replyText(res, 405, 'only GET and HEAD are served here', { Allow: 'GET, HEAD' });
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return replyText(res, 400, 'malformed path');
  }
  if (decoded.includes('\0')) return replyText(res, 400, 'malformed path');

  const root = await realpath(staticDir).catch(() => null);
  if (root === null || !existsSync(join(root, 'index.html')))
    return replyHtml(res, 503, notBuiltPage(staticDir));

  const file = await findFile(root, decoded);
  if (file === null) return replyText(res, 404, 'not found');
  const info = await stat(file);
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': mimeTypeFor(file),
    // Vite puts content-hashed names under assets/: those never change. Everything else is revalidated.
    'Cache-Control': decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    ETag: etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  res.writeHead(200, { ...headers, 'Content-Length': info.size });
  if (req.method === 'HEAD') return void res.end();
  await pipeline(createReadStream(file), res).catch(() => res.destroy());
}

/**
 * The file a decoded URL path names inside root, or null; a directory means its index.html. There is no
 * fallback to index.html for unknown paths: the app routes in the URL's hash, and its asset URLs are
 * relative, so a page served at a deeper path would load nothing.
 */
async function findFile(root: string, decoded: string): Promise<string | null> {
  const target = resolve(root, `.${decoded}`);
  if (!isInside(root, target)) return null;
  const info = await stat(target).catch(() => null);
  let candidate: string;
  if (info?.isDirectory()) candidate = join(target, 'index.html');
  else if (info?.isFile()) candidate = target;
  else return null;
  // Resolve symlinks last: a link inside the folder must not lead out of it.
  const real = await realpath(candidate).catch(() => null);
  if (real === null || !isInside(root, real)) return null;
  const realInfo = await stat(real).catch(() => null);
  return realInfo?.isFile() ? real : null;
}

function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function replyText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readPackageName(manifest: string): string | null {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name ?? null;
  } catch {
    return null;
  }
}
