// Read access to a tokenized split by position, and the in-memory form of it. No Node imports: the GPU
// renderer holds its splits in memory (sent once by the utility process), the Node trainer reads small
// token files whole and big ones at offsets (token-file.ts).

export type TokenDtype = 'uint16' | 'uint32';

/** Read access to a token file, by position. */
export interface TokenSource {
  readonly length: number;
  /** Copies tokens [start, start + count) into out[outOffset...]. */
  read(start: number, count: number, out: Int32Array, outOffset: number): void;
  close(): void;
}

export class InMemoryTokens implements TokenSource {
  constructor(readonly ids: Uint16Array | Uint32Array) {}
  get length(): number {
    return this.ids.length;
  }
  read(start: number, count: number, out: Int32Array, outOffset: number): void {
    checkRange(start, count, this.ids.length);
    out.set(this.ids.subarray(start, start + count), outOffset);
  }
  close(): void {}
}

export function checkRange(start: number, count: number, length: number): void {
  if (start < 0 || count < 0 || start + count > length) {
    throw new RangeError(`tokens [${start}, ${start + count}) are outside the file (${length} tokens)`);
  }
}
