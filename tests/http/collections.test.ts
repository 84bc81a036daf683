/**
 * The collections API on the real server process (build first: node_modules/.bin/tsc -b): documents in, ranked
 * chunks out, by BM25 and, with a test sentence-embedding model built here, by vector and hybrid fusion.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestEmbeddingModel } from '../../packages/runtime/src/testing/embedding-fixtures.js';
import { request, type ServerProcess, startServer } from './server-process.js';

let server: ServerProcess;
let embeddingModel: string;

beforeAll(async () => {
  embeddingModel = await writeTestEmbeddingModel(mkdtempSync(join(tmpdir(), 'groundwork-embedding-')));
  server = await startServer();
});
afterAll(() => server.stop());

const call = (method: string, path: string, body?: unknown) => request(server.url, method, path, body);
const upload = (collection: string, source: string, content: string, contentType = 'text/markdown') =>
  request(
    server.url,
    'POST',
    `/api/collections/${collection}/documents?source=${encodeURIComponent(source)}`,
    content,
    { 'content-type': contentType },
  );
const search = async (collection: string, body: Record<string, unknown>) => {
  const response = await call('POST', `/api/collections/${collection}/search`, body);
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as { mode: string; passages: { source: string; score: number; [key: string]: unknown }[] };
};

describe('collections over HTTP', () => {
  it('creates a collection, adds, replaces and leaves documents, searches, removes and deletes', async () => {
    const created = await call('POST', '/api/collections', { name: 'handbook', chunkSize: 300 });
    expect(created.status).toBe(201);
    expect(created.body.collection).toMatchObject({
      name: 'handbook',
      embeddingModel: null,
      chunkSize: 300,
      chunkOverlap: 149,
      documentCount: 0,
    });

    const install =
      '# Install\n\nInstall Groundwork with npm, then start the server.\n\n## From source\n\nClone the repository and run the build.';
    const added = await upload('handbook', 'guides/install.md', install);
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      status: 'added',
      document: { source: 'guides/install.md', format: 'markdown' },
    });
    expect((await upload('handbook', 'guides/install.md', install)).body.status).toBe('unchanged');
    expect((await upload('handbook', 'guides/install.md', `${install}\n\nUpgrade with npm update.`)).status).toBe(200);
    const batch = await call('POST', '/api/collections/handbook/documents', {
      documents: [
        { source: 'faq.html', content: '<h1>FAQ</h1><p>Refunds take five days.</p><script>var npm = 1;</script>' },
        { source: 'notes', content: 'Plain notes about the weather.', format: 'text' },
      ],
    });
    expect(batch.status).toBe(201);
    expect(batch.body.results.map((result: { status: string }) => result.status)).toEqual(['added', 'added']);

    const { body } = await call('GET', '/api/collections');
    expect(body.collections).toEqual([expect.objectContaining({ name: 'handbook', documentCount: 3 })]);
    const listed = await call('GET', '/api/collections/handbook');
    expect(listed.body.documents.map((document: { source: string }) => document.source)).toEqual([
      'faq.html',
      'guides/install.md',
      'notes',
    ]);

    const found = await search('handbook', { query: 'how do I upgrade npm?' });
    expect(found.mode).toBe('keyword');
    expect(found.passages[0]).toMatchObject({ source: 'guides/install.md', collection: 'handbook', keywordRank: 1 });
    expect(found.passages.map((passage) => passage.source)).not.toContain('faq.html');
    expect((await search('handbook', { query: 'refunds' })).passages[0]).toMatchObject({
      source: 'faq.html',
      heading: 'FAQ',
    });

    expect(
      (await call('DELETE', `/api/collections/handbook/documents/${encodeURIComponent('guides/install.md')}`)).status,
    ).toBe(204);
    expect((await search('handbook', { query: 'npm' })).passages).toEqual([]);
    expect((await call('DELETE', '/api/collections/handbook')).status).toBe(204);
    expect((await call('GET', '/api/collections/handbook')).status).toBe(404);
  });

  it('names what is wrong with bad input, and stores nothing of it', async () => {
    await call('POST', '/api/collections', { name: 'strict' });
    await upload('strict', 'kept.md', 'Kept words stay.');

    const empty = await upload('strict', 'blank.md', '   \n');
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toBe('blank.md: the document is empty');
    const unnamed = await request(server.url, 'POST', '/api/collections/strict/documents', 'text', {
      'content-type': 'text/plain',
    });
    expect(unnamed.body.error.issues).toEqual([
      { path: 'query.source', message: expect.stringMatching(/is required/) },
    ]);
    expect((await upload('strict', 'a.pdf', '%PDF', 'application/pdf')).status).toBe(415);
    const missing = await upload('nope', 'a.md', 'words');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('collection "nope" was not found');
    expect((await call('POST', '/api/collections/nope/search', { query: 'x' })).body.error.message).toBe(
      'collection "nope" was not found',
    );

    const long = await call('POST', '/api/collections/strict/search', { query: 'a'.repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.body.error.message).toBe('the query is too long (2001 characters; at most 2000)');
    expect(
      (await call('POST', '/api/collections/strict/search', { query: 'kept', topK: 0 })).body.error.issues[0].path,
    ).toBe('body.topK');
    for (const query of ['"kept', 'kept*', 'NEAR(kept words)', '-kept', 'text:kept', 'kept OR']) {
      expect((await search('strict', { query })).passages[0]?.source, query).toBe('kept.md');
    }
    const vector = await call('POST', '/api/collections/strict/search', { query: 'kept', mode: 'vector' });
    expect(vector.status).toBe(400);
    expect(vector.body.error.message).toMatch(/has no embedding model/);

    // stories260K is a text-generation model: a collection cannot embed with it.
    const generative = await call('POST', '/api/collections', { name: 'wrong', embeddingModel: 'stories260K' });
    expect(generative.status).toBe(400);
    expect(generative.body.error.message).toMatch(/^the embedding model "stories260K" cannot be used: /);
    expect(generative.body.error.issues[0].path).toBe('embeddingModel');

    const { body } = await call('GET', '/api/collections/strict');
    expect(body.documents.map((document: { source: string }) => document.source)).toEqual(['kept.md']);
    expect((await call('GET', '/api/collections')).body.collections.map((c: { name: string }) => c.name)).not.toContain(
      'wrong',
    );
  });

  it('finds by vector what keyword search misses, and fuses both as the weight says', async () => {
    const created = await call('POST', '/api/collections', { name: 'garage', embeddingModel });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const documents = [
      { source: 'tires.txt', content: 'The automobile needs new tires.' },
      { source: 'invoice.txt', content: 'The price of the car is on the invoice.' },
      { source: 'bread.txt', content: 'Bake the bread in the oven.' },
      { source: 'puppy.txt', content: 'My dog is a happy puppy.' },
    ];
    expect((await call('POST', '/api/collections/garage/documents', { documents })).status).toBe(201);

    const query = 'my car';
    const keyword = await search('garage', { query, mode: 'keyword', topK: 4 });
    expect(keyword.passages.map((passage) => passage.source)).toEqual(['invoice.txt']);
    const vector = await search('garage', { query, mode: 'vector', topK: 4 });
    expect(vector.passages[0]!.source).toBe('tires.txt');
    // One list answers with its own scores: BM25 relevance (positive, best first) and cosine similarity.
    expect(keyword.passages[0]!.score).toBeGreaterThan(0);
    expect(keyword.passages[0]!.score).toBe(keyword.passages[0]!.keywordScore);
    const cosines = vector.passages.map((passage) => passage.score);
    expect(cosines).toEqual([...cosines].sort((a, b) => b - a));
    expect(vector.passages.map((passage) => passage.vectorScore)).toEqual(cosines);
    for (const cosine of cosines) expect(Math.abs(cosine)).toBeLessThanOrEqual(1 + 1e-6);

    const rankOf = (result: typeof vector, source: string) =>
      result.passages.findIndex((passage) => passage.source === source) + 1;
    for (const vectorWeight of [0, 0.3, 0.5, 0.8, 1]) {
      const hybrid = await search('garage', { query, vectorWeight, topK: 4 });
      expect(hybrid.mode).toBe('hybrid');
      // Each score is the weighted reciprocal rank fusion of the two lists' ranks (k = 60).
      for (const passage of hybrid.passages) {
        const keywordRank = passage.keywordRank as number | null;
        const vectorRank = passage.vectorRank as number;
        const expected = (keywordRank ? (1 - vectorWeight) / (60 + keywordRank) : 0) + vectorWeight / (60 + vectorRank);
        expect(passage.score).toBeCloseTo(expected, 10);
      }
      const scores = hybrid.passages.map((passage) => passage.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      // Only the vector list has the paraphrase: weighting it fully puts it first, weighting it not at all does not.
      if (vectorWeight === 1) expect(hybrid.passages[0]!.source).toBe('tires.txt');
      if (vectorWeight <= 0.5) expect(hybrid.passages[0]!.source).toBe('invoice.txt');
      expect(rankOf(hybrid, 'tires.txt')).toBeGreaterThan(0);
    }
  });

  it('names a collection whose embedding model went missing (503), and keeps its documents', async () => {
    const folder = await writeTestEmbeddingModel(mkdtempSync(join(tmpdir(), 'groundwork-embedding-')), {
      name: 'moved',
    });
    const other = await startServer();
    try {
      const one = (method: string, path: string, body?: unknown) => request(other.url, method, path, body);
      expect((await one('POST', '/api/collections', { name: 'fragile', embeddingModel: folder })).status).toBe(201);
      const docs = { documents: [{ source: 'tires.txt', content: 'The automobile needs new tires.' }] };
      expect((await one('POST', '/api/collections/fragile/documents', docs)).status).toBe(201);
      await other.stop();
      rmSync(folder, { recursive: true });

      const again = await startServer({ db: other.db });
      try {
        const vector = await request(again.url, 'POST', '/api/collections/fragile/search', {
          query: 'car',
          mode: 'vector',
        });
        expect(vector.status).toBe(503);
        expect(vector.body.error.message).toMatch(
          /^collection "fragile" embeds with ".*moved", which cannot be loaded: /,
        );
        const keyword = await request(again.url, 'POST', '/api/collections/fragile/search', {
          query: 'tires',
          mode: 'keyword',
        });
        expect(keyword.body.passages.map((passage: { source: string }) => passage.source)).toEqual(['tires.txt']);
        const added = await request(
          again.url,
          'POST',
          '/api/collections/fragile/documents?source=b.txt',
          'More tires.',
          {
            'content-type': 'text/plain',
          },
        );
        expect(added.status).toBe(503);
        const { body } = await request(again.url, 'GET', '/api/collections/fragile');
        expect(body.documents.map((document: { source: string }) => document.source)).toEqual(['tires.txt']);
      } finally {
        await again.stop();
      }
    } finally {
      if (other.child.exitCode === null) await other.stop();
    }
  });
});
