// From the run config's corpus section to a Corpus, checking up front that the path exists and is the
// right kind of thing, and that the corpus is not empty, so a run fails before its first step.
import { stat } from 'node:fs/promises';
import type { z } from 'zod';
import type { CorpusSchema } from '../../../../shared/config/schema.js';
import { describeFileError } from '../../../file-errors.js';
import { DataError } from '../errors.js';
import { folderCorpus } from './folder.js';
import { jsonlCorpus } from './jsonl.js';
import { sotuCorpus } from './sotu.js';
import { textFileCorpus } from './text-file.js';
import type { Corpus, CorpusDocument } from './types.js';

export type CorpusConfig = z.output<typeof CorpusSchema>;

export async function openCorpus(config: CorpusConfig): Promise<Corpus> {
  switch (config.kind) {
    case 'builtin':
      return sotuCorpus();
    case 'text':
      await expectPath(config.path, 'file');
      return nonEmpty(textFileCorpus(config.path), config.path);
    case 'folder':
      await expectPath(config.path, 'folder');
      return nonEmpty(folderCorpus(config.path), config.path);
    case 'jsonl':
      await expectPath(config.path, 'file');
      return nonEmpty(jsonlCorpus(config.path, config.field), config.path);
    default: {
      const unreachable: never = config;
      throw new Error(`unknown corpus kind ${JSON.stringify(unreachable)}`);
    }
  }
}

async function expectPath(path: string, kind: 'file' | 'folder'): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new DataError(`the corpus ${kind}: ${describeFileError(path, error)}`);
  }
  if (kind === 'file' && !info.isFile()) throw new DataError('expected a file', { file: path });
  if (kind === 'folder' && !info.isDirectory()) throw new DataError('expected a folder', { file: path });
}

/** Wraps documents() so that a corpus with no text at all fails with a clear error. */
function nonEmpty(corpus: Corpus, path: string): Corpus {
  return {
    ...corpus,
    async *documents(): AsyncGenerator<CorpusDocument> {
      let any = false;
      for await (const doc of corpus.documents()) {
        any = true;
        yield doc;
      }
      if (!any) throw new DataError('the corpus is empty (no non-blank text)', { file: path });
    },
  };
}
