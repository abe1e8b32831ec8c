// A small RFC 4180 CSV reader (quoted fields, doubled quotes, newlines inside quotes) that remembers the
// line each record starts on, so a bad row is reported where the user can find it.
import { DataError } from '../errors.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based line the record starts on. */
  line: number;
}

export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ fields, line: recordLine });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inQuotes) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') inQuotes = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') inQuotes = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n') {
      endRecord();
      line++;
      recordLine = line;
    } else if (ch !== '\r') field += ch;
  }
  if (inQuotes) throw new DataError('a quoted field is never closed', { file, line: recordLine });
  endRecord();
  return records;
}
