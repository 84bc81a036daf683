import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { HttpError } from '../http/http-error.js';
import { DatasetService, nameFromFile } from './datasets.service.js';

describe('DatasetService.importFile', () => {
  let folder: string;
  let db: Database;
  let service: DatasetService;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'groundwork-dataset-files-'));
    db = openDatabase(join(folder, 'groundwork.db'));
    service = new DatasetService(db);
  });
  afterEach(() => db.close());

  const file = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  it("names the dataset after the file, tells the format by the extension and reuses the same rows' dataset", () => {
    const path = file('qa set.jsonl', '{"q":"a"}\n{"q":"b"}\n');
    const first = service.importFile(path);
    expect(first.reused).toBe(false);
    expect(first.dataset).toMatchObject({ name: 'qa-set', format: 'jsonl', rowCount: 2, columns: ['q'] });
    // The same rows, written differently, are the same dataset.
    const again = service.importFile(file('copy.jsonl', '{ "q": "a" }\n\n{"q":"b"}'));
    expect(again).toEqual({ dataset: first.dataset, reused: true });
    expect(service.list()).toHaveLength(1);
    expect(service.allRows(first.dataset.id)).toEqual([
      { index: 0, values: { q: 'a' } },
      { index: 1, values: { q: 'b' } },
    ]);
  });

  it('makes a free name for new rows from a file of a used name', () => {
    service.importFile(file('qa.csv', 'q\na\n'));
    mkdirSync(join(folder, 'b'));
    const second = service.importFile(file('b/qa.csv', 'q\nb\n'));
    expect(second.dataset.name).toBe('qa-2');
    const third = service.importFile(file('qa.json', '[{"q":"c"}]'));
    expect(third.dataset).toMatchObject({ name: 'qa-3', format: 'json' });
  });

  it('with a name: reuses the dataset of that name when it holds the same rows, else refuses the name', () => {
    const path = file('rows.jsonl', '{"q":"a"}');
    const named = service.importFile(path, { name: 'golden' });
    expect(service.importFile(path, { name: 'golden' })).toEqual({ dataset: named.dataset, reused: true });
    const other = file('other.jsonl', '{"q":"changed"}');
    expect(() => service.importFile(other, { name: 'golden' })).toThrow(/a dataset named "golden" already exists/);
    // The same rows under another name are stored again: the name was asked for.
    expect(service.importFile(path, { name: 'golden-copy' }).reused).toBe(false);
  });

  it('refuses a bad file with every bad line, storing nothing', () => {
    const path = file('bad.csv', 'a,b\n1\n2,3\n4,5,6\n');
    let error: unknown;
    try {
      service.importFile(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).details.issues).toEqual([
      { path: 'body', line: 2, message: 'has 1 field, the header has 2' },
      { path: 'body', line: 4, message: 'has 3 fields, the header has 2' },
    ]);
    expect(service.list()).toEqual([]);
    expect(() => service.importFile(join(folder, 'missing.jsonl'))).toThrow(/cannot read .*missing\.jsonl/);
    expect(() => service.importFile(file('notes.txt', 'words'))).toThrow(/cannot tell the format/);
    expect(() => service.importFile(path, { name: '-bad' })).toThrow(/invalid dataset name "-bad"/);
  });

  it('pages rows and deletes by name', () => {
    const { dataset } = service.importFile(file('five.jsonl', [1, 2, 3, 4, 5].map((n) => `{"n":${n}}`).join('\n')));
    expect(service.rows(dataset.id, { offset: 3, limit: 10 }).map((row) => row.values)).toEqual([{ n: 4 }, { n: 5 }]);
    service.delete('five');
    expect(() => service.get(dataset.id)).toThrow(/dataset "dst_.*" was not found/);
    expect(service.allRows(dataset.id)).toEqual([]);
  });
});

describe('nameFromFile', () => {
  it('keeps what a dataset name allows', () => {
    expect(nameFromFile('/data/my qa set.v2.jsonl')).toBe('my-qa-set.v2');
    expect(nameFromFile('__.csv')).toBe('dataset');
    expect(nameFromFile('Ünïcode rows.csv')).toBe('Unicode-rows');
  });
});
