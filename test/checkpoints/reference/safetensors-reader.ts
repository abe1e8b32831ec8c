// An independent safetensors reader for the export tests, written from the format's description and
// sharing no code with src-main/checkpoints/safetensors.ts: u64 little-endian header length N, N bytes of
// JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?: {string: string}}, then
// the data, offsets relative to its start. Every check a careful loader makes is made here.

export interface ReferenceTensor {
  dtype: string;
  shape: number[];
  /** Values as float64 (F32 data widened). */
  values: Float64Array;
}

export interface ReferenceFile {
  headerLength: number;
  metadata: Record<string, string> | null;
  tensors: Map<string, ReferenceTensor>;
}

const BYTES_PER: Record<string, number> = { F32: 4, F64: 8, I32: 4, I64: 8, F16: 2, BF16: 2 };

export function readSafetensorsIndependently(file: Uint8Array): ReferenceFile {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.byteLength < 8) throw new Error('shorter than the 8-byte header length');
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  if (hi !== 0) throw new Error('header length does not fit in 32 bits');
  const headerLength = lo;
  if (8 + headerLength > file.byteLength) throw new Error('header runs past the end of the file');
  const headerText = new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength));
  const header = JSON.parse(headerText) as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const dataLength = file.byteLength - dataStart;
  let metadata: Record<string, string> | null = null;
  const spans: Array<[number, number, string]> = [];
  const tensors = new Map<string, ReferenceTensor>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      for (const v of Object.values(metadata))
        if (typeof v !== 'string') throw new Error('metadata must be strings');
      continue;
    }
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const width = BYTES_PER[dtype];
    if (!width) throw new Error(`${name}: unknown dtype ${dtype}`);
    const [begin, end] = offsets;
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * width)
      throw new Error(`${name}: ${end - begin} bytes for shape [${shape}] ${dtype}`);
    if (begin < 0 || end > dataLength) throw new Error(`${name}: offsets outside the data`);
    spans.push([begin, end, name]);
    if (dtype !== 'F32') throw new Error(`${name}: this reference reader only widens F32`);
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(dataStart + begin + 4 * i, true);
    tensors.set(name, { dtype, shape, values });
  }
  // The format requires the buffers to tile the data section exactly: no gaps, no overlaps.
  spans.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== at) throw new Error(`${name}: data does not start where the previous tensor ended`);
    at = end;
  }
  if (at !== dataLength) throw new Error('data section has trailing bytes');
  return { headerLength, metadata, tensors };
}
