import { DatasetError } from './dataset-error.js';
import { parseCsv } from './parse-csv.js';
import { type DatasetRow, parseJsonArray, parseJsonLines } from './parse-json.js';

export type DatasetFormat = 'jsonl' | 'csv' | 'json';

export const DATASET_FORMATS: readonly DatasetFormat[] = ['jsonl', 'csv', 'json'];

export interface ParsedDataset {
  /** Column names: the CSV header, or for JSON(L) every key of any row, in the order they first appear. */
  columns: string[];
  rows: DatasetRow[];
}

/**
 * Reads a whole dataset file, or throws a DatasetError naming every bad line (up to 50): a file is imported whole or
 * not at all. A file without rows is an error too. A leading byte-order mark is ignored.
 */
export function parseDataset(text: string, format: DatasetFormat): ParsedDataset {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (format === 'csv') return parseCsv(body);
  const rows = format === 'jsonl' ? parseJsonLines(body) : parseJsonArray(body);
  if (rows.length === 0) {
    const what = format === 'jsonl' ? 'one JSON object per line' : 'a JSON array of objects';
    throw new DatasetError([
      { line: 1, message: `the file has no rows: a ${format.toUpperCase()} dataset is ${what}` },
    ]);
  }
  return { columns: columnsOf(rows), rows };
}

function columnsOf(rows: DatasetRow[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) columns.add(key);
  return [...columns];
}

const CONTENT_TYPES: Record<string, DatasetFormat> = {
  'application/x-ndjson': 'jsonl',
  'application/jsonl': 'jsonl',
  'application/x-jsonlines': 'jsonl',
  'application/jsonlines': 'jsonl',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'text/tab-separated-values': 'csv',
  'application/json': 'json',
};

const EXTENSIONS: Record<string, DatasetFormat> = {
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  csv: 'csv',
  tsv: 'csv',
  json: 'json',
};

/** The content types that name a dataset format (the upload route accepts these). */
export const DATASET_CONTENT_TYPES = Object.keys(CONTENT_TYPES);

/**
 * A dataset file's format: from a content type that names one, else the file's extension, else the text itself (a
 * `[` starts a JSON array, a `{` JSON Lines, a header line with commas, tabs or semicolons CSV). Throws a
 * DatasetError when none of them tells.
 */
export function detectFormat(source: { fileName?: string; contentType?: string; text: string }): DatasetFormat {
  const type = (source.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (Object.hasOwn(CONTENT_TYPES, type)) return CONTENT_TYPES[type]!;
  const extension = /\.([A-Za-z]+)$/.exec(source.fileName ?? '')?.[1]?.toLowerCase() ?? '';
  if (Object.hasOwn(EXTENSIONS, extension)) return EXTENSIONS[extension]!;
  const text = source.text.charCodeAt(0) === 0xfeff ? source.text.slice(1) : source.text;
  const first = text.trimStart()[0];
  if (first === '[') return 'json';
  if (first === '{') return 'jsonl';
  const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
  if (/[,\t;]/.test(firstLine)) return 'csv';
  const named = source.fileName ? `${source.fileName}: ` : '';
  throw new DatasetError([
    {
      line: 1,
      message: `${named}cannot tell the format: name the file .jsonl, .csv or .json, or send it as application/x-ndjson, text/csv or application/json`,
    },
  ]);
}
