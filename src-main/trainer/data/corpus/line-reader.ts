// Streams a UTF-8 text file as lines with their 1-based numbers, never holding the whole file: user corpora
// can be several GB. Invalid UTF-8 and binary files fail with the file and line, because a silently
// "replaced" byte would end up as [UNK] noise in a tokenizer the user never sees.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { describeFileError } from '../../../file-errors.js';
import { DataError } from '../errors.js';

export interface LineBatch {
  /** Lines of this batch, without their line terminators ('\n' or '\r\n'). */
  lines: string[];
  /** The 1-based line number of lines[0]. */
  firstLine: number;
}

const CHUNK_BYTES = 1 << 20;
/** A line longer than this is almost surely not text (or not split into documents); fail instead of OOM. */
const MAX_LINE_CHARS = 256 * 1024 * 1024;

/**
 * Lines in batches (one per chunk read) rather than one by one: an async iterator step per line costs more
 * than splitting the line, and multi-GB files have tens of millions of lines.
 */
export async function* readLineBatches(path: string): AsyncGenerator<LineBatch> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let linesDone = 0;
  let firstChunk = true;
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw new DataError(describeFileError(path, error));
  });
  // The stream owns the handle from here and closes it when it ends or fails.
  for await (const chunk of createReadStream('', { fd: handle, highWaterMark: CHUNK_BYTES })) {
    const bytes = chunk as Buffer;
    if (firstChunk) rejectBinary(bytes, path);
    firstChunk = false;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      throw notUtf8(path, linesDone, pending, bytes);
    }
    const parts = (pending + text).split('\n');
    pending = parts.pop() ?? '';
    if (pending.length > MAX_LINE_CHARS) {
      throw new DataError('a line is longer than 256 MB; is this really a text file?', {
        file: path,
        line: linesDone + parts.length + 1,
      });
    }
    if (parts.length > 0) {
      yield { lines: parts.map(stripCarriageReturn), firstLine: linesDone + 1 };
      linesDone += parts.length;
    }
  }
  try {
    pending += decoder.decode();
  } catch {
    throw new DataError('the file ends in the middle of a UTF-8 character', {
      file: path,
      line: linesDone + 1,
    });
  }
  if (pending.length > 0) yield { lines: [stripCarriageReturn(pending)], firstLine: linesDone + 1 };
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Git's heuristic: a NUL byte near the start means binary (UTF-8 text never contains one in practice). */
function rejectBinary(bytes: Buffer, path: string): void {
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) {
    throw new DataError('this looks like a binary file (it contains NUL bytes), not UTF-8 text', {
      file: path,
    });
  }
}

/** Locates the first bad byte of a chunk by decoding it leniently and counting lines up to the U+FFFD. */
function notUtf8(path: string, linesDone: number, pending: string, bytes: Buffer): DataError {
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const bad = lenient.indexOf('\uFFFD');
  const before = pending + lenient.slice(0, Math.max(0, bad));
  const line = linesDone + 1 + countNewlines(before);
  return new DataError('this text is not valid UTF-8 (re-save the file as UTF-8)', { file: path, line });
}

function countNewlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}
