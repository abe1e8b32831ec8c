// One UTF-8 text file; each blank-line-separated block is a document (paragraphs, articles, chapters:
// whatever the user separated). Streamed, so a multi-GB file never sits in memory.
import { corpusHash, hashFileInto } from './hash.js';
import { readLineBatches } from './line-reader.js';
import type { Corpus, CorpusDocument } from './types.js';

export function textFileCorpus(path: string): Corpus {
  return {
    label: path,
    documents: () => readBlocks(path),
    async fingerprint() {
      const hash = corpusHash('text');
      await hashFileInto(hash, path);
      return hash.digest('hex');
    },
  };
}

async function* readBlocks(path: string): AsyncGenerator<CorpusDocument> {
  let block: string[] = [];
  let blockLine = 0;
  let index = 0;
  const finish = (): CorpusDocument => {
    const doc = { id: `block:${index}`, index, text: block.join('\n'), file: path, line: blockLine };
    index++;
    block = [];
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
    }
  }
  if (block.length > 0) yield finish();
}
