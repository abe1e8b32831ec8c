// A minimal POSIX ustar writer and reader: regular files only, names up to 100 bytes, which is all a run
// bundle holds. Any tar tool can list or unpack a bundle. Files are streamed in chunks, so a large
// checkpoint is never held in memory whole; the reader checks every header's checksum and refuses a file
// that ends early.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';

const BLOCK = 512;
const CHUNK = 1 << 20;

export class TarFormatError extends Error {}

function octal(value: number, width: number): string {
  // width - 1 digits and a NUL, as ustar writers do.
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mtimeSeconds: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  if (Buffer.byteLength(name) > 100) throw new TarFormatError(`tar entry name too long: ${name}`);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(mtimeSeconds, 12), 136, 'ascii');
  block.write(' '.repeat(8), 148, 'ascii'); // the checksum counts its own field as spaces
  block.write('0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

export class TarWriter {
  private constructor(private readonly handle: FileHandle) {}

  static async create(path: string): Promise<TarWriter> {
    return new TarWriter(await open(path, 'wx'));
  }

  async addBuffer(name: string, bytes: Uint8Array): Promise<void> {
    await this.handle.write(header(name, bytes.byteLength, Math.floor(Date.now() / 1000)));
    await this.handle.write(bytes);
    await this.handle.write(Buffer.alloc(padding(bytes.byteLength)));
  }

  /** Copies a file in chunks; returns its size and sha256 as written. */
  async addFile(name: string, source: string): Promise<{ bytes: number; sha256: string }> {
    const input = await open(source, 'r');
    try {
      const { size, mtimeMs } = await input.stat();
      await this.handle.write(header(name, size, Math.floor(mtimeMs / 1000)));
      const hash = createHash('sha256');
      const buffer = Buffer.alloc(CHUNK);
      let copied = 0;
      while (copied < size) {
        const { bytesRead } = await input.read(buffer, 0, Math.min(CHUNK, size - copied), copied);
        if (bytesRead === 0) throw new TarFormatError(`${source} shrank while being copied`);
        const chunk = buffer.subarray(0, bytesRead);
        hash.update(chunk);
        await this.handle.write(chunk);
        copied += bytesRead;
      }
      await this.handle.write(Buffer.alloc(padding(size)));
      return { bytes: size, sha256: hash.digest('hex') };
    } finally {
      await input.close();
    }
  }

  /** Writes the end-of-archive blocks and makes the file durable. */
  async close(): Promise<void> {
    try {
      await this.handle.write(Buffer.alloc(2 * BLOCK));
      await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

export interface TarEntry {
  name: string;
  size: number;
  /** Where the entry's data starts in the file. */
  offset: number;
}

function field(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length).toString('utf8');
  const end = raw.indexOf('\0');
  return end < 0 ? raw : raw.slice(0, end);
}

function parseHeader(block: Buffer, at: number): { name: string; size: number; type: string } {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
  const recorded = parseInt(field(block, 148, 8).trim(), 8);
  if (recorded !== sum) throw new TarFormatError(`damaged tar header at byte ${at}`);
  if (!field(block, 257, 6).startsWith('ustar')) throw new TarFormatError(`not a ustar header at byte ${at}`);
  const prefix = field(block, 345, 155);
  const name = field(block, 0, 100);
  const size = parseInt(field(block, 124, 12).trim() || '0', 8);
  if (!Number.isSafeInteger(size) || size < 0) throw new TarFormatError(`bad entry size at byte ${at}`);
  return { name: prefix ? `${prefix}/${name}` : name, size, type: field(block, 156, 1) || '0' };
}

/** Every regular file in the archive, in order; refuses damaged headers and archives that end early. */
export async function listTar(handle: FileHandle): Promise<TarEntry[]> {
  const { size: fileSize } = await handle.stat();
  const entries: TarEntry[] = [];
  const block = Buffer.alloc(BLOCK);
  let at = 0;
  for (;;) {
    if (at + BLOCK > fileSize) throw new TarFormatError('the archive ends early (truncated)');
    await handle.read(block, 0, BLOCK, at);
    if (block.every((byte) => byte === 0)) return entries;
    const { name, size, type } = parseHeader(block, at);
    const offset = at + BLOCK;
    if (offset + size > fileSize) throw new TarFormatError(`${name} is cut off (the archive is truncated)`);
    if (type === '0') entries.push({ name, size, offset });
    else if (type !== '5') throw new TarFormatError(`${name}: unsupported tar entry type "${type}"`);
    at = offset + size + padding(size);
  }
}

export async function readEntry(handle: FileHandle, entry: TarEntry): Promise<Buffer> {
  const bytes = Buffer.alloc(entry.size);
  if (entry.size > 0) await handle.read(bytes, 0, entry.size, entry.offset);
  return bytes;
}

/** Copies an entry to `dest` (a new file) in chunks; returns the sha256 of what was copied. */
export async function extractEntry(handle: FileHandle, entry: TarEntry, dest: string): Promise<string> {
  const output = await open(dest, 'wx');
  const hash = createHash('sha256');
  try {
    const buffer = Buffer.alloc(CHUNK);
    for (let done = 0; done < entry.size;) {
      const want = Math.min(CHUNK, entry.size - done);
      const { bytesRead } = await handle.read(buffer, 0, want, entry.offset + done);
      if (bytesRead !== want) throw new TarFormatError(`${entry.name} is cut off (the archive is truncated)`);
      hash.update(buffer.subarray(0, want));
      await output.write(buffer.subarray(0, want));
      done += want;
    }
    await output.sync();
  } finally {
    await output.close();
  }
  return hash.digest('hex');
}
