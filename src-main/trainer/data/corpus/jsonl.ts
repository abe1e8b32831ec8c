// JSON lines; each record's text field is a document. Streamed. A bad line or a missing field stops the
// run with the file and line, rather than silently training on a subset.
import { errorMessage } from '../../../../shared/error-text.js';
import { DataError } from '../errors.js';
import { corpusHash, hashFileInto } from './hash.js';
import { readLineBatches } from './line-reader.js';
import type { Corpus, CorpusDocument } from './types.js';

export function jsonlCorpus(path: string, field: string): Corpus {
  return {
    label: `${path} (field "${field}")`,
    documents: () => readRecords(path, field),
    async fingerprint() {
      const hash = corpusHash('jsonl', field);
      await hashFileInto(hash, path);
      return hash.digest('hex');
    },
  };
}

async function* readRecords(path: string, field: string): AsyncGenerator<CorpusDocument> {
  let index = 0;
  for await (const { lines, firstLine } of readLineBatches(path)) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      const lineNo = firstLine + i;
      const text = fieldOf(parseLine(line, path, lineNo), field, path, lineNo);
      if (text.trim() === '') continue;
      yield { id: `line:${lineNo}`, index: index++, text, file: path, line: lineNo };
    }
  }
}

export function parseLine(line: string, file: string, lineNo: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    const why = errorMessage(error);
    throw new DataError(`not valid JSON (${why})`, { file, line: lineNo });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataError('each line must be a JSON object, like {"text": "..."}', { file, line: lineNo });
  }
  return value as Record<string, unknown>;
}

function fieldOf(record: Record<string, unknown>, field: string, file: string, lineNo: number): string {
  const value = record[field];
  if (value === undefined) {
    const has = Object.keys(record).slice(0, 5).join(', ');
    throw new DataError(`missing the text field "${field}" (this record has: ${has || 'no fields'})`, {
      file,
      line: lineNo,
    });
  }
  if (typeof value !== 'string') {
    throw new DataError(`field "${field}" must be a string, not ${typeof value}`, { file, line: lineNo });
  }
  return value;
}
