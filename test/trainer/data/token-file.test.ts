import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  TokenFileWriter,
  dtypeFor,
  openTokenFile,
} from '../../../src-main/trainer/data/tokens/token-file.js';
import { tempDir } from './helpers.js';

describe('token files', () => {
  it('picks Uint16 when every id fits, Uint32 otherwise', () => {
    expect(dtypeFor(8000)).toBe('uint16');
    expect(dtypeFor(65536)).toBe('uint16');
    expect(dtypeFor(65537)).toBe('uint32');
  });

  for (const dtype of ['uint16', 'uint32'] as const) {
    it(`writes ${dtype} ids through a bounded buffer and reads them back at offsets, in memory and from disk`, async () => {
      const path = join(await tempDir(), 'tokens.bin');
      const max = dtype === 'uint16' ? 65535 : 100_000;
      const ids = Array.from({ length: 3_000_000 }, (_, i) => (i * 7919) % (max + 1)); // > one 1M-token buffer
      const writer = await TokenFileWriter.create(path, dtype);
      await writer.append(ids.slice(0, 1_500_001));
      await writer.append(ids.slice(1_500_001));
      await writer.close();
      for (const limit of [Infinity, 0]) {
        const source = openTokenFile(path, dtype, limit); // limit 0: force positioned reads from disk
        expect(source.length).toBe(ids.length);
        const out = new Int32Array(10).fill(-1);
        source.read(2_999_990, 8, out, 1);
        expect(Array.from(out)).toEqual([-1, ...ids.slice(2_999_990, 2_999_998), -1]);
        expect(() => source.read(2_999_995, 8, out, 0)).toThrow(RangeError);
        source.close();
      }
    });
  }
});
