// A user's own probe: a labelled JSONL ({"text": ..., "label": ...} per line) or CSV (a header row naming
// the text and label columns). An optional "split" field/column with "train" or "test" fixes the split;
// otherwise rows are split by a seeded hash of their line. Labels may be strings or numbers.
import { extname } from 'node:path';
import { readLineBatches } from '../corpus/line-reader.js';
import { parseLine } from '../corpus/jsonl.js';
import { DataError } from '../errors.js';
import { documentHash } from '../split.js';
import { parseCsv } from './csv.js';
import type { ProbeDataset } from './types.js';

export interface LabelledFileOptions {
  /** Tag for the metric names; default "custom". */
  name?: string;
  seed?: number;
  testFraction?: number;
  textField?: string;
  labelField?: string;
}

interface Row {
  text: string;
  label: string;
  split: string | undefined;
  line: number;
}

export async function labelledFileProbe(
  path: string,
  options: LabelledFileOptions = {},
): Promise<ProbeDataset> {
  const { name = 'custom', seed = 0, testFraction = 0.2, textField = 'text', labelField = 'label' } = options;
  const lines: string[] = [];
  for await (const batch of readLineBatches(path)) lines.push(...batch.lines);
  const kind = extname(path).toLowerCase();
  const rows =
    kind === '.csv'
      ? csvRows(lines.join('\n'), path, textField, labelField)
      : kind === '.jsonl' || kind === '.ndjson'
        ? jsonlRows(lines, path, textField, labelField)
        : fail(`a labelled set must be .jsonl or .csv, not "${kind || 'no extension'}"`, path);
  if (rows.length === 0) throw new DataError('the labelled set has no rows', { file: path });
  const classes = [...new Set(rows.map((r) => r.label))].sort();
  if (classes.length < 2) {
    throw new DataError(
      `every row has the same label ("${classes[0]}"); a probe needs at least two classes`,
      {
        file: path,
      },
    );
  }
  const dataset: ProbeDataset = { name, classes, train: [], test: [] };
  for (const row of rows) {
    const isTest =
      row.split !== undefined ? row.split === 'test' : documentHash(seed, `row:${row.line}`) < testFraction;
    const example = { text: row.text, label: classes.indexOf(row.label), group: `line:${row.line}` };
    (isTest ? dataset.test : dataset.train).push(example);
  }
  if (dataset.train.length === 0 || dataset.test.length === 0) {
    throw new DataError(`the split left no ${dataset.train.length === 0 ? 'training' : 'test'} rows`, {
      file: path,
    });
  }
  return dataset;
}

function jsonlRows(lines: string[], file: string, textField: string, labelField: string): Row[] {
  const rows: Row[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const record = parseLine(raw, file, i + 1);
    rows.push(toRow(record[textField], record[labelField], record.split, i + 1, file, textField, labelField));
  });
  return rows;
}

function csvRows(text: string, file: string, textField: string, labelField: string): Row[] {
  const [header, ...records] = parseCsv(text, file);
  if (!header) return [];
  const column = (name: string) => header.fields.map((f) => f.trim()).indexOf(name);
  const [textAt, labelAt, splitAt] = [column(textField), column(labelField), column('split')];
  if (textAt < 0 || labelAt < 0) {
    throw new DataError(`the header row must name the columns "${textField}" and "${labelField}"`, {
      file,
      line: header.line,
    });
  }
  return records.map((r) =>
    toRow(
      r.fields[textAt],
      r.fields[labelAt],
      splitAt < 0 ? undefined : r.fields[splitAt],
      r.line,
      file,
      textField,
      labelField,
    ),
  );
}

function toRow(
  text: unknown,
  label: unknown,
  split: unknown,
  line: number,
  file: string,
  textField: string,
  labelField: string,
): Row {
  if (typeof text !== 'string' || text.trim() === '')
    fail(`missing the text field "${textField}"`, file, line);
  if (typeof label !== 'string' && typeof label !== 'number')
    fail(`missing the label field "${labelField}"`, file, line);
  if (split !== undefined && split !== '' && split !== 'train' && split !== 'test') {
    fail(`split must be "train" or "test", not ${JSON.stringify(split)}`, file, line);
  }
  return {
    text,
    label: String(label).trim(),
    split: split === '' ? undefined : (split as string | undefined),
    line,
  };
}

function fail(message: string, file: string, line?: number): never {
  throw new DataError(message, line === undefined ? { file } : { file, line });
}
