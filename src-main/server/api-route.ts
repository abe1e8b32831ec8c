// POST /api/<channel>: the contract over HTTP. The body is read up to a size limit, parsed as JSON and
// handed to dispatch, which validates it against the channel's schema; the answer is the contract's
// { ok, value } | { ok: false, error } with HTTP 200 either way. Only what never reaches dispatch gets
// another status: 400 (not JSON), 404 (no such channel), 405, 413 (too large), 415 (not JSON typed).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isChannel } from '../../shared/ipc-contract.js';
import { dispatch, type Handlers } from '../services/dispatch.js';
import { replyError, replyJson } from './replies.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export async function handleApiCall(
  req: IncomingMessage,
  res: ServerResponse,
  rawChannel: string,
  handlers: Handlers,
  maxBodyBytes: number,
): Promise<void> {
  if (req.method !== 'POST')
    return replyError(res, 405, 'invalid-input', 'API channels take POST with a JSON body', {
      Allow: 'POST',
    });
  const channel = decodeChannel(rawChannel);
  if (channel === null || !isChannel(channel))
    return replyError(res, 404, 'not-found', `unknown channel "${(channel ?? rawChannel).slice(0, 100)}"`);
  if (!isJsonContentType(req.headers['content-type']))
    return replyError(res, 415, 'invalid-input', 'send the request body as Content-Type: application/json');

  const body = await readBody(req, maxBodyBytes);
  if (body.kind === 'too-large')
    return replyError(res, 413, 'invalid-input', `the request body is over ${maxBodyBytes} bytes`, {
      Connection: 'close',
    });
  if (body.kind === 'aborted') return; // the client went away; nobody to answer

  let payload: unknown = undefined;
  if (body.text.trim() !== '') {
    try {
      // Plain JSON.parse: requests carry no non-finite numbers (the schemas refuse them), and V8's parser,
      // unlike a reviver's walk, does not recurse, so deeply nested input cannot exhaust the stack here.
      payload = JSON.parse(body.text);
    } catch (error) {
      return replyError(res, 400, 'invalid-input', `the body is not JSON: ${(error as Error).message}`);
    }
  }
  replyJson(res, 200, await dispatch(handlers, channel, payload));
}

function decodeChannel(raw: string): string | null {
  try {
    return decodeURIComponent(raw); // some clients escape the ':' in "runs:list"
  } catch {
    return null;
  }
}

function isJsonContentType(header: string | undefined): boolean {
  return header !== undefined && /^application\/json\s*(;|$)/i.test(header.trim());
}

type Body = { kind: 'ok'; text: string } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * Reads the body, refusing it as soon as it is known to be too large (from Content-Length, or while it
 * streams in). The rest of a refused body is read and discarded so the client receives the 413 instead of a
 * reset connection; the reply closes the connection afterwards.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      return resolve({ kind: 'too-large' });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      req.resume();
      resolve({ kind: 'too-large' });
    };
    req.on('data', onData);
    req.on('end', () => resolve({ kind: 'ok', text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => resolve({ kind: 'aborted' })); // no-op when 'end' came first
  });
}
