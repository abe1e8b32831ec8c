// One UTF-8 text file; each blank-line-separated block is a document (paragraphs, articles, chapters:
// whatever the user separated). Streamed, so a multi-GB file never sits in memory.
import { DataError } from '../errors.js';
import { corpusHash, hashFileInto } from './hash.js';
import { readLineBatches } from './line-reader.js';
import type { Corpus, CorpusDocument } from './types.js';

/** A block this long means the file has no blank lines between documents; fail rather than run out of memory. */
const MAX_DOCUMENT_CHARS = 64 * 1024 * 1024;

export function textFileCorpus(path: string, maxDocumentChars = MAX_DOCUMENT_CHARS): Corpus {
  return {
    label: path,
    documents: () => readBlocks(path, maxDocumentChars),
    async fingerprint() {
      const hash = corpusHash('text');
      await hashFileInto(hash, path);
      return hash.digest('hex');
    },
  };
}

async function* readBlocks(path: string, maxDocumentChars: number): AsyncGenerator<CorpusDocument> {
  let block: string[] = [];
  let blockChars = 0;
  let blockLine = 0;
  let index = 0;
  const finish = (): CorpusDocument => {
    const doc = { id: `block:${index}`, index, text: block.join('\n'), file: path, line: blockLine };
    index++;
    block = [];
    blockChars = 0;
    return doc;
  };
  for await (const { lines, firstLine } of readLineBatches(path)) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') {
        if (block.length > 0) yield finish();
        continue;
      }
      if (block.length === 0) blockLine = firstLine + i;
      block.push(line);
      blockChars += line.length;
      if (blockChars > maxDocumentChars) {
        throw new DataError(
          `the document starting here is over ${maxDocumentChars} characters: separate documents with blank lines ` +
            '(or use JSONL, one document per line)',
          { file: path, line: blockLine },
        );
      }
    }
  }
  if (block.length > 0) yield finish();
}
