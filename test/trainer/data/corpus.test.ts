import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCorpus } from '../../../src-main/trainer/data/corpus/open-corpus.js';
import { sotuCorpus } from '../../../src-main/trainer/data/corpus/sotu.js';
import { textFileCorpus } from '../../../src-main/trainer/data/corpus/text-file.js';
import { DataError } from '../../../src-main/trainer/data/errors.js';
import { collect, tempDir, writeTemp } from './helpers.js';

describe('corpora', () => {
  it('reads the built-in State of the Union speeches with their metadata', async () => {
    const docs = await collect(sotuCorpus().documents());
    expect(docs).toHaveLength(233);
    expect(docs[0]!.meta).toEqual({ year: 1790, president: 'George Washington', party: 'none' });
    expect(new Set(docs.map((d) => d.id)).size).toBe(233); // 1953 and 1961 have two speeches each
    const words = docs.reduce((n, d) => n + d.text.split(/\s+/).length, 0);
    expect(words).toBeGreaterThan(1_790_000);
  });

  it('splits a text file into blank-line-separated documents, with CRLF and whitespace-only lines', async () => {
    const path = await writeTemp('c.txt', 'first line\r\nstill first\r\n\r\n  \n\nsecond\n\n\nthird');
    const docs = await collect((await openCorpus({ kind: 'text', path })).documents());
    expect(docs.map((d) => d.text)).toEqual(['first line\nstill first', 'second', 'third']);
    expect(docs.map((d) => d.line)).toEqual([1, 6, 9]);
    expect(docs.map((d) => d.id)).toEqual(['block:0', 'block:1', 'block:2']);
  });

  it('stops on a document too big to hold (a file without blank lines), naming where it starts', async () => {
    const path = await writeTemp('wall.txt', 'intro\n\n' + 'line of text\n'.repeat(100));
    await expect(collect(textFileCorpus(path, 500).documents())).rejects.toThrow(
      /wall\.txt:3: the document starting here is over 500 characters/,
    );
  });

  it('reads a folder recursively in sorted order, one document per .txt file', async () => {
    const root = await tempDir();
    await mkdir(join(root, 'b', 'deeper'), { recursive: true });
    await writeFile(join(root, 'b', 'deeper', 'z.txt'), 'deep');
    await writeFile(join(root, 'b', 'a.txt'), 'b/a');
    await writeFile(join(root, 'a.txt'), 'top\n\nstill the same document');
    await writeFile(join(root, 'notes.md'), 'ignored');
    const docs = await collect((await openCorpus({ kind: 'folder', path: root })).documents());
    expect(docs.map((d) => d.id)).toEqual(['file:a.txt', 'file:b/a.txt', 'file:b/deeper/z.txt']);
    expect(docs[0]!.text).toBe('top\n\nstill the same document');
  });

  it('reads a configurable JSONL field and names the file and line of a bad record', async () => {
    const path = await writeTemp('c.jsonl', '{"body":"one"}\n\n{"body":"two","x":1}\n');
    const docs = await collect((await openCorpus({ kind: 'jsonl', path, field: 'body' })).documents());
    expect(docs.map((d) => [d.text, d.line])).toEqual([
      ['one', 1],
      ['two', 3],
    ]);
    const bad = await writeTemp('bad.jsonl', '{"text":"ok"}\n{"text": oops}\n');
    await expect(
      collect((await openCorpus({ kind: 'jsonl', path: bad, field: 'text' })).documents()),
    ).rejects.toThrow(/bad\.jsonl:2: not valid JSON/);
    const missing = await writeTemp('m.jsonl', '{"text":"ok"}\n{"body":"no text"}\n');
    await expect(
      collect((await openCorpus({ kind: 'jsonl', path: missing, field: 'text' })).documents()),
    ).rejects.toThrow(/m\.jsonl:2: missing the text field "text"/);
  });

  it('rejects empty corpora, binary files, invalid UTF-8 and missing paths with the file (and line)', async () => {
    const read = async (path: string) => collect((await openCorpus({ kind: 'text', path })).documents());
    await expect(read(await writeTemp('empty.txt', '\n  \n'))).rejects.toThrow(
      /empty\.txt: the corpus is empty/,
    );
    await expect(read(await writeTemp('bin.txt', new Uint8Array([80, 75, 3, 4, 0, 0, 1])))).rejects.toThrow(
      /bin\.txt: this looks like a binary file/,
    );
    const latin1 = new Uint8Array([
      ...Buffer.from('ok\nfine\n'),
      0x63,
      0x61,
      0x66,
      0xe9,
      0x20,
      0x6f,
      0x6b,
      0x0a,
    ]);
    await expect(read(await writeTemp('latin1.txt', latin1))).rejects.toThrow(
      /latin1\.txt:3: this text is not valid UTF-8/,
    );
    await expect(openCorpus({ kind: 'text', path: '/nonexistent/x.txt' })).rejects.toBeInstanceOf(DataError);
    await expect(openCorpus({ kind: 'folder', path: await tempDir() })).resolves.toBeDefined();
    await expect(
      collect((await openCorpus({ kind: 'folder', path: await tempDir() })).documents()),
    ).rejects.toThrow(/no \.txt files/);
  });

  it('fingerprints content and reading options, stably', async () => {
    const path = await writeTemp('f.jsonl', '{"text":"a","body":"b"}\n');
    const fp = (field: string) => openCorpus({ kind: 'jsonl', path, field }).then((c) => c.fingerprint());
    expect(await fp('text')).toBe(await fp('text'));
    expect(await fp('text')).not.toBe(await fp('body'));
    const other = await writeTemp('f.jsonl', '{"text":"A","body":"b"}\n');
    const otherFp = await (await openCorpus({ kind: 'jsonl', path: other, field: 'text' })).fingerprint();
    expect(otherFp).not.toBe(await fp('text'));
    expect(await sotuCorpus().fingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });
});
