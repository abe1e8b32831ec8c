// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length, a JSON header { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__ }, then the
// raw little-endian data. Written and read here without dependencies.

export type SafetensorsDtype = 'F32' | 'I32';

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

const HEADER_ALIGN = 8;

function dtypeOf(data: Float32Array | Int32Array): SafetensorsDtype {
  return data instanceof Float32Array ? 'F32' : 'I32';
}

/** Serializes tensors in the given order; metadata values must be strings (the format says so). */
export function encodeSafetensors(
  tensors: readonly NamedArray[],
  metadata: Record<string, string> = {},
): Buffer {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length)
      throw new Error(`${t.name}: shape ${t.shape} needs ${expected} values, got ${t.data.length}`);
    if (t.name in header) throw new Error(`${t.name} appears twice`);
    header[t.name] = {
      dtype: dtypeOf(t.data),
      shape: t.shape,
      data_offsets: [offset, offset + t.data.byteLength],
    };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned (allowed by the format, and what its writers do).
  json += ' '.repeat((HEADER_ALIGN - ((8 + Buffer.byteLength(json)) % HEADER_ALIGN)) % HEADER_ALIGN);
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let position = 8 + headerBytes.length;
  for (const t of tensors) {
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, position);
    position += t.data.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, NamedArray>;
  metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  if (bytes.length < 8) throw new Error('not a safetensors file: shorter than its 8-byte header length');
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.readBigUInt64LE(0));
  if (8 + headerLength > bytes.length) throw new Error('not a safetensors file: header longer than the file');
  const header = JSON.parse(view.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedArray>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = value as Record<string, string>;
      continue;
    }
    const entry = value as HeaderEntry;
    const [begin, end] = entry.data_offsets;
    if (dataStart + end > bytes.length || begin > end)
      throw new Error(`${name}: data offsets outside the file`);
    const slice = view.subarray(dataStart + begin, dataStart + end);
    // Copy into an aligned buffer: the data of one tensor need not be 4-byte aligned in the file.
    const aligned = new Uint8Array(slice).buffer;
    if (entry.dtype !== 'F32' && entry.dtype !== 'I32')
      throw new Error(`${name}: unsupported dtype ${entry.dtype}`);
    const data = entry.dtype === 'F32' ? new Float32Array(aligned) : new Int32Array(aligned);
    tensors.set(name, { name, shape: entry.shape, data });
  }
  return { tensors, metadata };
}
