import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScriptedModel } from '@groundwork/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { type Database, openDatabase } from '../db/connection.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import type { Dataset, DatasetRowView } from './datasets.schemas.js';

interface ErrorBody {
  error: { code: string; message: string; issues: { path: string; line?: number; message: string }[] };
}
interface DatasetBody {
  dataset: Dataset;
}
interface RowsBody {
  dataset: Dataset;
  rows: DatasetRowView[];
}

/** A response's JSON body, typed as the test expects it. */
const read = async <T>(response: Response | Promise<Response>): Promise<T> => (await (await response).json()) as T;

const JSONL = [
  '{"question":"Where is the Eiffel Tower?","context":"It is in Paris.","reference":"Paris"}',
  '',
  '{"question":"How tall is it?","context":"It is 330 metres tall.","reference":"330 metres"}',
  '{"question":"When was it built?","context":"It was completed in 1889."}',
].join('\n');

const CSV = 'question,context\n"Who designed it?","Gustave Eiffel\'s company, in 1887."\nWhy?,Because.\n';

describe('the datasets API', () => {
  let test: TestApp;
  let db: Database;

  const upload = (name: string, body: string, contentType: string) =>
    fetch(`${test.url}/api/datasets?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
  const storedRows = () => (db.prepare('SELECT count(*) AS n FROM dataset_rows').get() as { n: number }).n;
  const listed = async () => (await read<{ datasets: Dataset[] }>(fetch(`${test.url}/api/datasets`))).datasets;

  beforeAll(async () => {
    db = openDatabase(join(mkdtempSync(join(tmpdir(), 'groundwork-datasets-')), 'groundwork.db'));
    test = await startTestApp({ provider: new ScriptedModel('tiny', () => '') }, db);
  });

  afterAll(() => test.close());

  it('imports a JSONL file, lists it and pages through its rows', async () => {
    const response = await upload('eiffel', JSONL, 'application/x-ndjson');
    expect(response.status).toBe(201);
    const { dataset } = await read<DatasetBody>(response);
    expect(dataset).toMatchObject({
      name: 'eiffel',
      format: 'jsonl',
      columns: ['question', 'context', 'reference'],
      rowCount: 3,
    });
    expect(dataset.id).toMatch(/^dst_/);
    expect(dataset.contentHash).toMatch(/^sha256:[0-9a-f]{64}$/);

    expect(await listed()).toContainEqual(dataset);
    const page = await read<RowsBody>(fetch(`${test.url}/api/datasets/eiffel?offset=1&limit=1`));
    expect(page.dataset).toEqual(dataset);
    expect(page.rows).toEqual([
      {
        index: 1,
        values: { question: 'How tall is it?', context: 'It is 330 metres tall.', reference: '330 metres' },
      },
    ]);
    const byId = await read<RowsBody>(fetch(`${test.url}/api/datasets/${dataset.id}`));
    expect(byId.rows.map((row) => row.index)).toEqual([0, 1, 2]);
  });

  it('imports CSV (application/jsonl too), keeping quoted commas and values as text', async () => {
    const response = await upload('designers', CSV, 'text/csv; charset=utf-8');
    expect(response.status).toBe(201);
    const { dataset } = await read<DatasetBody>(response);
    expect(dataset).toMatchObject({ format: 'csv', columns: ['question', 'context'], rowCount: 2 });
    const { rows } = await read<RowsBody>(fetch(`${test.url}/api/datasets/designers`));
    expect(rows[0]!.values).toEqual({ question: 'Who designed it?', context: "Gustave Eiffel's company, in 1887." });
    expect((await upload('jsonl-type', '{"a":1}', 'application/jsonl')).status).toBe(201);
  });

  it('reads a JSON array larger than the JSON body limit as the dataset itself', async () => {
    const rows = Array.from({ length: 6000 }, (_, index) => ({ question: `question ${index} ${'x'.repeat(200)}` }));
    const body = JSON.stringify(rows);
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const response = await upload('large', body, 'application/json');
    expect(response.status).toBe(201);
    expect((await read<DatasetBody>(response)).dataset).toMatchObject({ format: 'json', rowCount: 6000 });
  });

  it('refuses a malformed file naming every bad line, and stores nothing of it', async () => {
    const before = { datasets: (await listed()).length, rows: storedRows() };
    const body = ['{"question":"fine"}', '{"question":', '', '[1]', '{"question":"also fine"}', 'plain text'].join(
      '\n',
    );
    const response = await upload('broken', body, 'application/x-ndjson');
    expect(response.status).toBe(400);
    const { error } = await read<ErrorBody>(response);
    expect(error.code).toBe('invalid-request');
    expect(error.message).toMatch(/^the dataset cannot be imported: line 2: not valid JSON.*and 2 more bad lines/);
    expect(error.issues).toEqual([
      { path: 'body', line: 2, message: expect.stringMatching(/^not valid JSON/) },
      { path: 'body', line: 4, message: 'expected a JSON object ({...}), got an array' },
      { path: 'body', line: 6, message: expect.stringMatching(/^not valid JSON/) },
    ]);
    expect({ datasets: (await listed()).length, rows: storedRows() }).toEqual(before);
    expect((await fetch(`${test.url}/api/datasets/broken`)).status).toBe(404);

    const ragged = await upload('ragged', 'a,b\n1,2\n3\n4,5,6\n', 'text/csv');
    expect(ragged.status).toBe(400);
    expect((await read<ErrorBody>(ragged)).error.issues.map((issue) => issue.line)).toEqual([3, 4]);
    expect({ datasets: (await listed()).length, rows: storedRows() }).toEqual(before);
  });

  it('refuses a name in use with 409, keeping the dataset there', async () => {
    const before = await read<RowsBody>(fetch(`${test.url}/api/datasets/eiffel`));
    const response = await upload('eiffel', '{"other":1}', 'application/x-ndjson');
    expect(response.status).toBe(409);
    expect((await read<ErrorBody>(response)).error.message).toContain('a dataset named "eiffel" already exists');
    expect(await read<RowsBody>(fetch(`${test.url}/api/datasets/eiffel`))).toEqual(before);
  });

  it('names what is wrong with the request itself', async () => {
    const bad = await upload('no spaces allowed', JSONL, 'application/x-ndjson');
    expect(bad.status).toBe(400);
    expect((await read<ErrorBody>(bad)).error.issues[0]!.path).toBe('query.name');
    const unnamed = await fetch(`${test.url}/api/datasets`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: JSONL,
    });
    expect((await read<ErrorBody>(unnamed)).error.issues[0]!.path).toBe('query.name');
    const wrongType = await upload('plain', JSONL, 'text/plain');
    expect(wrongType.status).toBe(415);
    expect((await read<ErrorBody>(wrongType)).error.message).toContain('application/x-ndjson');
    const empty = await upload('empty', '', 'application/x-ndjson');
    expect(empty.status).toBe(400);
    expect((await read<ErrorBody>(empty)).error.issues[0]!.path).toBe('body');
    const paging = await fetch(`${test.url}/api/datasets/eiffel?limit=0`);
    expect(paging.status).toBe(400);
    expect((await read<ErrorBody>(paging)).error.issues[0]!.path).toBe('query.limit');
  });

  it('deletes a dataset with its rows, and answers 404 for one it does not know', async () => {
    const { dataset } = await read<DatasetBody>(upload('to-delete', JSONL, 'application/x-ndjson'));
    const rowsBefore = storedRows();
    const response = await fetch(`${test.url}/api/datasets/to-delete`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(storedRows()).toBe(rowsBefore - 3);
    expect(await listed()).not.toContainEqual(dataset);

    for (const method of ['GET', 'DELETE']) {
      const missing = await fetch(`${test.url}/api/datasets/to-delete`, { method });
      expect(missing.status).toBe(404);
      expect((await read<ErrorBody>(missing)).error).toMatchObject({
        code: 'not-found',
        message: 'dataset "to-delete" was not found',
      });
    }
  });

  it('is in the OpenAPI document', async () => {
    const document = await read<{ paths: Record<string, Record<string, { requestBody: { content: object } }>> }>(
      fetch(`${test.url}/api/openapi.json`),
    );
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/datasets', '/api/datasets/{dataset}']));
    expect(document.paths['/api/datasets']!.post!.requestBody.content).toHaveProperty('text/csv');
  });
});

describe('the dataset upload limit', () => {
  it('refuses a file over the configured limit with 413', async () => {
    const app = createApp({
      db: openDatabase(':memory:'),
      models: {
        device: 'cpu',
        list: async () => [],
        close: async () => {},
        provider: new ScriptedModel('t', () => ''),
      },
      datasetBodyLimit: 100,
    });
    const server = app.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/datasets?name=big`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: `{"text":"${'x'.repeat(200)}"}`,
      });
      expect(response.status).toBe(413);
      expect((await read<ErrorBody>(response)).error.code).toBe('payload-too-large');
      expect(app.context.datasets.list()).toEqual([]);
    } finally {
      server.closeAllConnections();
      server.close();
      await app.close();
      app.context.db.close();
    }
  });
});
