// GET /api/downloads/<file>: an export made by export:download, sent as an attachment. Only plain file names
// of that one folder are served (no path, no "..", no hidden files), after the same access checks as any
// API call.
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { DOWNLOAD_NAME } from '../services/export-download.js';
import { replyError, SECURITY_HEADERS } from './replies.js';

export const DOWNLOADS_PATH = '/api/downloads/';

export function serveDownload(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  dir: string,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return replyError(res, 405, 'invalid-input', 'downloads take GET', { Allow: 'GET, HEAD' });
  let name: string;
  try {
    name = decodeURIComponent(pathname.slice(DOWNLOADS_PATH.length));
  } catch {
    return replyError(res, 400, 'invalid-input', 'bad download name');
  }
  if (!DOWNLOAD_NAME.test(name) || name.includes('..'))
    return replyError(res, 404, 'not-found', 'no such download');
  const path = join(dir, name);
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
  } catch {
    return replyError(res, 404, 'not-found', `no download "${name}" (downloads are kept for a day)`);
  }
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': name.endsWith('.zip') ? 'application/zip' : 'application/octet-stream',
    'Content-Length': size,
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(path)
    .on('error', () => res.destroy())
    .pipe(res);
}
