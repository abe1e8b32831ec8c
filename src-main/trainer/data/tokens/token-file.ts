// A tokenized split on disk: raw little-endian Uint16 ids (Uint32 when the vocabulary needs it), nothing
// else, so a window of tokens is one positioned read. Small files are read whole; big ones stay on disk
// and are read at offsets, so a multi-GB corpus never has to fit in memory.
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { endianness } from 'node:os';
import { checkRange, InMemoryTokens, type TokenDtype, type TokenSource } from './token-source.js';

export type { TokenDtype, TokenSource } from './token-source.js';

export function dtypeFor(vocabSize: number): TokenDtype {
  return vocabSize <= 65536 ? 'uint16' : 'uint32';
}

const bytesPer = (dtype: TokenDtype) => (dtype === 'uint16' ? 2 : 4);

function assertLittleEndian(): void {
  // Every platform Node and Electron ship for is little-endian; the files are defined as little-endian.
  if (endianness() !== 'LE') throw new Error('token files need a little-endian machine');
}

/** Appends ids through a fixed buffer: memory stays flat however big the corpus is. */
export class TokenFileWriter {
  private readonly buffer: Uint16Array | Uint32Array;
  private used = 0;
  private written = 0;

  private constructor(
    private readonly handle: FileHandle,
    dtype: TokenDtype,
  ) {
    this.buffer = dtype === 'uint16' ? new Uint16Array(1 << 20) : new Uint32Array(1 << 20);
  }

  static async create(path: string, dtype: TokenDtype): Promise<TokenFileWriter> {
    assertLittleEndian();
    return new TokenFileWriter(await open(path, 'w'), dtype);
  }

  /** Tokens appended so far. */
  get length(): number {
    return this.written + this.used;
  }

  async append(ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i++) {
      if (this.used === this.buffer.length) await this.flush();
      this.buffer[this.used++] = ids[i]!;
    }
  }

  async close(): Promise<void> {
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const view = this.buffer.subarray(0, this.used);
    await this.handle.write(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    this.written += this.used;
    this.used = 0;
  }
}

/** Files up to this size are loaded whole (the built-in corpus is about 4 MB). */
export const IN_MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

export function openTokenFile(
  path: string,
  dtype: TokenDtype,
  inMemoryLimit = IN_MEMORY_LIMIT_BYTES,
): TokenSource {
  assertLittleEndian();
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  if (size > inMemoryLimit) return new OnDiskTokens(fd, size, dtype);
  closeSync(fd);
  return new InMemoryTokens(readTokenFile(path, dtype));
}

/** A whole token file as one array of its width (the GPU renderer's splits are sent this way). */
export function readTokenFile(path: string, dtype: TokenDtype): Uint16Array | Uint32Array {
  assertLittleEndian();
  // A fresh copy guarantees the alignment a typed array view needs.
  const aligned = new Uint8Array(readFileSync(path)).buffer;
  return dtype === 'uint16' ? new Uint16Array(aligned) : new Uint32Array(aligned);
}

class OnDiskTokens implements TokenSource {
  readonly length: number;
  private scratch = new Uint8Array(0);

  constructor(
    private readonly fd: number,
    size: number,
    private readonly dtype: TokenDtype,
  ) {
    this.length = Math.floor(size / bytesPer(dtype));
  }

  read(start: number, count: number, out: Int32Array, outOffset: number): void {
    checkRange(start, count, this.length);
    const width = bytesPer(this.dtype);
    if (this.scratch.length < count * width) this.scratch = new Uint8Array(count * width * 2);
    const got = readSync(this.fd, this.scratch, 0, count * width, start * width);
    if (got !== count * width) throw new Error(`short read from token file at token ${start}`);
    const ids =
      this.dtype === 'uint16'
        ? new Uint16Array(this.scratch.buffer, 0, count)
        : new Uint32Array(this.scratch.buffer, 0, count);
    out.set(ids, outOffset);
  }

  close(): void {
    closeSync(this.fd);
  }
}
