import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { HttpError } from '../http/http-error.js';
import { CollectionService } from './collections.service.js';

/** A small hand-made corpus: each query below has one document that should come first. */
const CORPUS = {
  'guides/install.md':
    '# Installing\n\nInstall Groundwork with npm: run npm install in the repository root, then npm start. Node 20 is required.',
  'guides/troubleshooting.md':
    '# Troubleshooting\n\nWhen the server crashes with an error, read its log file first. Most failures come from a missing model folder.',
  'kitchen/bread.md':
    '# Bread\n\nBake the bread in a hot oven for forty minutes. Knead the dough well and let it rise before baking.',
  'billing/refunds.txt':
    'Refunds are paid back to the card used for the payment within five days. Every invoice lists the price of each item.',
  'weather.html':
    '<html><head><style>p { color: red }</style></head><body><h1>Forecast</h1><p>Storms and heavy rain tomorrow; the weekend will be sunny.</p></body></html>',
};

describe('CollectionService', () => {
  let db: Database;
  let service: CollectionService;

  beforeEach(() => {
    db = openDatabase(join(mkdtempSync(join(tmpdir(), 'groundwork-collections-')), 'groundwork.db'));
    service = new CollectionService(db);
  });
  afterEach(async () => {
    await service.close();
    db.close();
  });

  const count = (sql: string, ...values: unknown[]) => (db.prepare(sql).get(...values) as { n: number }).n;
  const changes = () => count('SELECT total_changes() AS n');
  const fill = async (name = 'docs') => {
    await service.create({ name });
    const documents = Object.entries(CORPUS).map(([source, content]) => ({ source, content }));
    return service.addDocuments(name, documents);
  };
  const sources = async (query: string, options: { topK?: number; sources?: string[] } = {}) =>
    (await service.search('docs', { query, ...options })).passages.map((passage) => passage.source);
  const refusal = async (work: () => unknown): Promise<HttpError> => {
    try {
      await work();
    } catch (error) {
      if (error instanceof HttpError) return error;
      throw error;
    }
    throw new Error('expected an HttpError');
  };

  it('ranks the expected document first by BM25 for each query, across formats', async () => {
    const results = await fill();
    expect(results.map((result) => [result.document.source, result.document.format, result.status])).toEqual([
      ['guides/install.md', 'markdown', 'added'],
      ['guides/troubleshooting.md', 'markdown', 'added'],
      ['kitchen/bread.md', 'markdown', 'added'],
      ['billing/refunds.txt', 'text', 'added'],
      ['weather.html', 'html', 'added'],
    ]);
    expect((await sources('how do I install it with npm?'))[0]).toBe('guides/install.md');
    // Porter stemming: "crashed" finds "crashes", "baking" finds "Bake".
    expect((await sources('the server crashed, where is the log'))[0]).toBe('guides/troubleshooting.md');
    expect((await sources('baking bread in an oven'))[0]).toBe('kitchen/bread.md');
    expect((await sources('when is my refund paid'))[0]).toBe('billing/refunds.txt');
    // HTML is searched by its visible text: the style sheet is not a match.
    expect(await sources('storm forecast')).toEqual(['weather.html']);
    expect(await sources('color red')).toEqual([]);
    expect(await sources('zeppelin')).toEqual([]);

    const { passages, mode } = await service.search('docs', { query: 'Install with npm', topK: 1 });
    expect(mode).toBe('keyword');
    expect(passages).toHaveLength(1);
    const [best] = passages;
    expect(best).toMatchObject({ source: 'guides/install.md', collection: 'docs', heading: 'Installing' });
    expect(best!.id).toMatch(/^chk_/);
    expect(best!.keywordRank).toBe(1);
    expect(best!.vectorRank).toBeNull();
    const marked = best!.highlights.map((span) => best!.text.slice(span.start, span.end).toLowerCase());
    expect(marked).toContain('install');
    expect(marked).toContain('npm');
  });

  it('filters by source: an exact source, or a folder ending in /', async () => {
    await fill();
    expect(await sources('error install bread', { topK: 10, sources: ['guides/'] })).toEqual(
      expect.arrayContaining(['guides/install.md', 'guides/troubleshooting.md']),
    );
    expect(await sources('error install bread', { topK: 10, sources: ['guides/'] })).not.toContain('kitchen/bread.md');
    expect(await sources('error install bread', { topK: 10, sources: ['kitchen/bread.md'] })).toEqual([
      'kitchen/bread.md',
    ]);
    expect(await sources('error install bread', { sources: ['guides'] })).toEqual([]);
  });

  it('searches user text with FTS5 syntax characters as plain words, never as query syntax', async () => {
    await fill();
    for (const query of [
      '"npm',
      'npm*',
      'NEAR(install npm)',
      '-install',
      'title:install',
      'install AND OR NOT',
      '(',
      '^npm',
      'npm\'s "install" {x} [y]',
    ]) {
      const found = await sources(query);
      if (/npm|install/i.test(query)) expect(found[0], query).toBe('guides/install.md');
      else expect(found, query).toEqual([]);
    }
    // A question of stop words alone still searches by its words.
    expect(await sources('what is it')).toEqual(expect.arrayContaining(['guides/install.md', 'kitchen/bread.md']));
  });

  it("replaces a changed document's chunks, and writes nothing for an unchanged one", async () => {
    await service.create({ name: 'docs', chunkSize: 200, chunkOverlap: 0 });
    const sentences = (word: string) =>
      Array.from({ length: 12 }, (_, index) => `Sentence ${index} is about the ${word} in the notes.`).join(' ');
    const first = await service.addDocument('docs', { source: 'notes.txt', content: sentences('zebra') });
    expect(first.status).toBe('added');
    expect(first.document.chunkCount).toBeGreaterThan(2);
    expect(count('SELECT count(*) AS n FROM chunks WHERE document_id = ?', first.document.id)).toBe(
      first.document.chunkCount,
    );
    expect(await sources('zebra', { topK: 100 })).toHaveLength(first.document.chunkCount);

    const second = await service.addDocument('docs', { source: 'notes.txt', content: 'Only the giraffe is left.' });
    expect(second.status).toBe('replaced');
    expect(second.document).toMatchObject({ id: first.document.id, addedAt: first.document.addedAt, chunkCount: 1 });
    expect(await sources('zebra')).toEqual([]);
    expect(await sources('giraffe')).toEqual(['notes.txt']);
    expect(count('SELECT count(*) AS n FROM chunks')).toBe(1);
    expect(count("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH 'zebra'")).toBe(0);

    const before = changes();
    const again = await service.addDocument('docs', { source: 'notes.txt', content: 'Only the giraffe is left.' });
    expect(again).toEqual({ document: second.document, status: 'unchanged' });
    expect(changes()).toBe(before);
    expect(service.documents('docs')).toEqual([second.document]);
  });

  it('removes a document, and deletes a collection with its documents and chunks', async () => {
    await fill();
    await fill('other');
    service.removeDocument('docs', 'kitchen/bread.md');
    expect(await sources('bread oven')).toEqual([]);
    expect(service.documents('docs').map((document) => document.source)).not.toContain('kitchen/bread.md');
    const byId = service.documents('docs')[0]!;
    service.removeDocument('docs', byId.id);
    expect(service.get('docs')).toMatchObject({ documentCount: 3 });
    expect((await refusal(() => service.removeDocument('docs', 'kitchen/bread.md'))).message).toBe(
      'document "kitchen/bread.md" in collection "docs" was not found',
    );

    const other = service.get('other');
    service.delete('docs');
    expect(service.list().map((collection) => collection.name)).toEqual(['other']);
    expect(count('SELECT count(*) AS n FROM chunks WHERE collection_id != ?', other.id)).toBe(0);
    expect(count('SELECT count(*) AS n FROM documents WHERE collection_id != ?', other.id)).toBe(0);
    expect(count("SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH 'bread'")).toBe(1);
    expect((await service.search('other', { query: 'bread' })).passages).toHaveLength(1);
  });

  it('names what is wrong with bad input and stores nothing of it', async () => {
    await fill();
    const before = {
      documents: count('SELECT count(*) AS n FROM documents'),
      chunks: count('SELECT count(*) AS n FROM chunks'),
    };

    const empty = await refusal(() => service.addDocument('docs', { source: 'blank.md', content: ' \n\t ' }));
    expect(empty).toMatchObject({ status: 400, message: 'blank.md: the document is empty' });
    expect(empty.details.issues).toEqual([{ path: 'body', message: 'blank.md: the document is empty' }]);
    // One empty document refuses the whole batch.
    const batch = await refusal(() =>
      service.addDocuments('docs', [
        { source: 'fine.md', content: 'Fine words.' },
        { source: 'empty.txt', content: '' },
      ]),
    );
    expect(batch.details.issues).toEqual([{ path: 'body.documents.1', message: 'empty.txt: the document is empty' }]);
    const twice = await refusal(() =>
      service.addDocuments('docs', [
        { source: 'a.md', content: 'One.' },
        { source: 'a.md', content: 'Two.' },
      ]),
    );
    expect(twice.message).toBe('the source "a.md" is given twice');

    const unknown = await refusal(() => service.search('nope', { query: 'install' }));
    expect(unknown).toMatchObject({ status: 404, message: 'collection "nope" was not found' });
    expect((await refusal(() => service.addDocument('nope', { source: 'a', content: 'b' }))).status).toBe(404);
    const long = 'install '.repeat(300);
    expect((await refusal(() => service.search('docs', { query: long }))).message).toBe(
      `the query is too long (${long.length} characters; at most 2000)`,
    );
    expect((await refusal(() => service.search('docs', { query: '  ' }))).message).toBe('the query is empty');
    expect((await refusal(() => service.search('docs', { query: 'npm', mode: 'vector' }))).message).toBe(
      'collection "docs" has no embedding model: search it with mode "keyword" or "hybrid"',
    );

    expect((await refusal(() => service.create({ name: 'docs' }))).status).toBe(409);
    expect((await refusal(() => service.create({ name: '../x' }))).details.issues![0]!.path).toBe('name');
    const overlap = await refusal(() => service.create({ name: 'wide', chunkSize: 200, chunkOverlap: 150 }));
    expect(overlap.details.issues![0]!.path).toBe('chunkOverlap');
    expect(overlap.message).toMatch(/overlap/);
    const notAModel = await refusal(() => service.create({ name: 'vectors', embeddingModel: '/no/such/folder' }));
    expect(notAModel.message).toMatch(/^the embedding model "\/no\/such\/folder" cannot be used: /);

    expect(service.list().map((collection) => collection.name)).toEqual(['docs']);
    expect({
      documents: count('SELECT count(*) AS n FROM documents'),
      chunks: count('SELECT count(*) AS n FROM chunks'),
    }).toEqual(before);
  });
});
