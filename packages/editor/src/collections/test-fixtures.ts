/**
 * A fake server that keeps collections and documents in memory and answers the collection routes as the contract
 * says (statuses, error bodies), for the collection pages' tests. Its search is a stand-in ranking (how often the
 * query's words occur); the real BM25 and hybrid ranking are tested in the server and in tests/e2e.
 */
import type { Collection, CollectionDocument, DocumentFormat, SearchPassage } from '../api/client.js';
import { apiError, type FakeServer, fakeServer } from '../testing/fake-server.js';

export const TIME = '2026-05-01T10:00:00.000Z';

export function collection(overrides: Partial<Collection> = {}): Collection {
  return {
    id: 'col_docs',
    name: 'docs',
    embeddingModel: null,
    chunkSize: 1000,
    chunkOverlap: 150,
    createdAt: TIME,
    ...overrides,
  };
}

export interface StoredDocument extends CollectionDocument {
  content: string;
}

export function storedDocument(source: string, content: string, id = `doc_${source}`): StoredDocument {
  return {
    id,
    source,
    format: /\.html?$/.test(source) ? 'html' : /\.(md|markdown)$/.test(source) ? 'markdown' : 'text',
    contentHash: `sha256:${content.length}`,
    chars: content.length,
    chunkCount: 1,
    addedAt: TIME,
    updatedAt: TIME,
    content,
  };
}

const FORMATS: Record<string, DocumentFormat> = {
  'text/markdown': 'markdown',
  'text/html': 'html',
  'text/plain': 'text',
};

/** `collections`: name → its record and documents. */
export function collectionServer(
  initial: { collection: Collection; documents: StoredDocument[] }[] = [
    { collection: collection(), documents: [storedDocument('install.md', '# Install\nRun npm install.')] },
  ],
): FakeServer & { state: Map<string, { collection: Collection; documents: StoredDocument[] }> } {
  const state = new Map(initial.map((entry) => [entry.collection.name, entry]));
  const find = (key: string) =>
    [...state.values()].find((entry) => entry.collection.id === key || entry.collection.name === key);
  const missing = (key: string) => apiError(404, 'not-found', `collection ${key} does not exist`);
  const publicDocument = ({ content: _content, ...document }: StoredDocument): CollectionDocument => document;
  const server = fakeServer();
  server.on('GET', '/api/models', () => ({
    body: { device: 'cpu', models: [{ name: 'stories260K' }, { name: 'mini-embed' }] },
  }));
  server.on('GET', '/api/collections', () => ({
    body: {
      collections: [...state.values()].map((entry) => ({
        ...entry.collection,
        documentCount: entry.documents.length,
        chunkCount: entry.documents.reduce((sum, document) => sum + document.chunkCount, 0),
      })),
    },
  }));
  server.on('POST', '/api/collections', (request) => {
    const body = request.body as { name: string; embeddingModel?: string; chunkSize?: number; chunkOverlap?: number };
    if (state.has(body.name)) return apiError(409, 'conflict', `a collection named ${body.name} already exists`);
    const created = collection({
      id: `col_${body.name}`,
      name: body.name,
      embeddingModel: body.embeddingModel ?? null,
      chunkSize: body.chunkSize ?? 1000,
      chunkOverlap: body.chunkOverlap ?? 150,
    });
    state.set(body.name, { collection: created, documents: [] });
    return { status: 201, body: { collection: created } };
  });
  server.on('GET', '/api/collections/:collection', (request) => {
    const entry = find(request.params.collection!);
    if (!entry) return missing(request.params.collection!);
    return { body: { collection: entry.collection, documents: entry.documents.map(publicDocument) } };
  });
  server.on('DELETE', '/api/collections/:collection', (request) => {
    const entry = find(request.params.collection!);
    if (!entry) return missing(request.params.collection!);
    state.delete(entry.collection.name);
    return { status: 204 };
  });
  server.on('POST', '/api/collections/:collection/documents', (request) => {
    const entry = find(request.params.collection!);
    if (!entry) return missing(request.params.collection!);
    const source = request.query.get('source')!;
    const content = String(request.body ?? '');
    if (!content.trim()) return apiError(400, 'invalid-request', 'the document is empty');
    const format = FORMATS[request.headers.get('content-type') ?? ''] ?? 'text';
    const index = entry.documents.findIndex((document) => document.source === source);
    const before = entry.documents[index];
    if (before?.content === content) return { body: { document: publicDocument(before), status: 'unchanged' } };
    const document = {
      ...storedDocument(source, content, before?.id),
      format,
      chunkCount: content.split('\n\n').length,
    };
    if (before) entry.documents[index] = { ...document, updatedAt: '2026-05-02T10:00:00.000Z' };
    else entry.documents.push(document);
    return {
      status: before ? 200 : 201,
      body: { document: publicDocument(document), status: before ? 'replaced' : 'added' },
    };
  });
  server.on('DELETE', '/api/collections/:collection/documents/:document', (request) => {
    const entry = find(request.params.collection!);
    if (!entry) return missing(request.params.collection!);
    entry.documents = entry.documents.filter(
      (document) => document.id !== request.params.document && document.source !== request.params.document,
    );
    return { status: 204 };
  });
  server.on('POST', '/api/collections/:collection/search', (request) => {
    const entry = find(request.params.collection!);
    if (!entry) return missing(request.params.collection!);
    const body = request.body as { query: string; topK?: number; sources?: string[]; mode?: string };
    return {
      body: {
        passages: naiveSearch(entry, body),
        mode: entry.collection.embeddingModel ? (body.mode ?? 'hybrid') : 'keyword',
      },
    };
  });
  return Object.assign(server, { state });
}

/** Documents ranked by how often the query's words occur in them, each word's occurrences as highlights. */
function naiveSearch(
  entry: { collection: Collection; documents: StoredDocument[] },
  request: { query: string; topK?: number; sources?: string[] },
): SearchPassage[] {
  const words = request.query.toLowerCase().match(/\w+/g) ?? [];
  const found = entry.documents
    .filter((document) => !request.sources || request.sources.includes(document.source))
    .map((document) => {
      const highlights = words.flatMap((word) =>
        [...document.content.matchAll(new RegExp(`\\b${word}\\b`, 'gi'))].map((match) => ({
          start: match.index,
          end: match.index + match[0].length,
        })),
      );
      return { document, highlights };
    })
    .filter((result) => result.highlights.length > 0)
    .sort((a, b) => b.highlights.length - a.highlights.length)
    .slice(0, request.topK ?? 5);
  return found.map(({ document, highlights }, index) =>
    passage({
      id: `chk_${document.id}`,
      text: document.content,
      source: document.source,
      documentId: document.id,
      collection: entry.collection.name,
      score: 1 / (61 + index),
      keywordRank: index + 1,
      highlights,
    }),
  );
}

export function passage(overrides: Partial<SearchPassage> = {}): SearchPassage {
  const text = overrides.text ?? 'Run npm install.';
  return {
    id: 'chk_1',
    text,
    source: 'install.md',
    score: 0.0164,
    collection: 'docs',
    heading: null,
    start: 0,
    end: text.length,
    documentId: 'doc_install.md',
    keywordRank: 1,
    vectorRank: null,
    highlights: [],
    ...overrides,
  };
}
