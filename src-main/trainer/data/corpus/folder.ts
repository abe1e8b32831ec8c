// Every .txt file under a folder (recursively) is one document. Files are visited in sorted relative-path
// order so the document order, the split and the fingerprint do not depend on the file system's listing.
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DataError } from '../errors.js';
import { corpusHash, hashFileInto } from './hash.js';
import { readLineBatches } from './line-reader.js';
import type { Corpus, CorpusDocument } from './types.js';

export function folderCorpus(root: string): Corpus {
  return {
    label: root,
    documents: () => readFiles(root),
    async fingerprint() {
      const hash = corpusHash('folder');
      for (const file of await listTextFiles(root)) {
        // The relative path is part of the content: it fixes document boundaries, order and split ids.
        hash.update(file.relative).update('\0');
        await hashFileInto(hash, file.absolute);
        hash.update('\0');
      }
      return hash.digest('hex');
    },
  };
}

interface TextFile {
  absolute: string;
  /** With '/' separators on every platform, so ids and fingerprints match across machines. */
  relative: string;
}

export async function listTextFiles(root: string): Promise<TextFile[]> {
  const found: TextFile[] = [];
  const visit = async (dir: string): Promise<void> => {
    // Symbolic links are not followed: a link back up the tree would loop forever.
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const absolute = join(dir, entry.name);
      if (entry.isDirectory()) await visit(absolute);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.txt')) {
        found.push({ absolute, relative: relative(root, absolute).split(sep).join('/') });
      }
    }
  };
  await visit(root);
  if (found.length === 0) throw new DataError('this folder has no .txt files', { file: root });
  // Code-unit order, not localeCompare: the same on every machine and locale.
  return found.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0));
}

async function* readFiles(root: string): AsyncGenerator<CorpusDocument> {
  let index = 0;
  for (const file of await listTextFiles(root)) {
    const parts: string[] = [];
    for await (const { lines } of readLineBatches(file.absolute)) parts.push(lines.join('\n'));
    const text = parts.join('\n');
    if (text.trim() === '') continue;
    yield { id: `file:${file.relative}`, index: index++, text, file: file.absolute, line: 1 };
  }
}
