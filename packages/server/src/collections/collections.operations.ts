import { z } from 'zod';
import type { Operation, ResponseDoc } from '../openapi/openapi-builder.js';
import * as collections from './collections.schemas.js';

/** The collections API for the OpenAPI document; `error` makes the app's error response doc. */
export function collectionOperations(error: (description: string) => ResponseDoc): Operation[] {
  const notFound = error('No such collection.');
  const params = collections.collectionParamsSchema;
  return [
    {
      method: 'post',
      path: '/api/collections',
      tag: 'collections',
      summary: 'Create a document collection (an embedding model adds vector and hybrid search to BM25)',
      body: collections.createCollectionBodySchema,
      responses: {
        201: { description: 'Created.', schema: collections.collectionResponseSchema },
        400: error('A bad name or chunk setting, or a model that is not a sentence-embedding model (named).'),
        409: error('The name is taken.'),
      },
    },
    {
      method: 'get',
      path: '/api/collections',
      tag: 'collections',
      summary: 'List collections by name, with their document and chunk counts',
      responses: { 200: { description: 'The collections.', schema: collections.collectionListResponseSchema } },
    },
    {
      method: 'get',
      path: '/api/collections/:collection',
      tag: 'collections',
      summary: 'A collection and its documents (by source)',
      params,
      responses: {
        200: { description: 'The collection.', schema: collections.collectionDocumentsResponseSchema },
        404: notFound,
      },
    },
    {
      method: 'delete',
      path: '/api/collections/:collection',
      tag: 'collections',
      summary: 'Delete a collection with its documents and chunks',
      params,
      responses: { 204: { description: 'Deleted.' }, 404: notFound },
    },
    {
      method: 'post',
      path: '/api/collections/:collection/documents',
      tag: 'collections',
      summary:
        'Add a document (the raw body, named by ?source=) or several (application/json `{ documents: [{ source, content, format? }] }`, all or none); a source added again with new content has its chunks replaced, with the same content nothing is written',
      params,
      query: collections.addDocumentQuerySchema,
      body: z.string(),
      bodyContentTypes: collections.DOCUMENT_CONTENT_TYPES,
      responses: {
        200: {
          description: 'Replaced or unchanged: `{ document, status }` (raw), `{ results }` (JSON) when none was new.',
          schema: z.union([collections.addResultSchema, collections.addDocumentsResponseSchema]),
        },
        201: {
          description: 'Added: `{ document, status }` (raw), or `{ results }` (JSON) when any was new.',
          schema: z.union([collections.addResultSchema, collections.addDocumentsResponseSchema]),
        },
        400: error('An empty document, a missing source, or a source given twice (the path names which).'),
        404: notFound,
        413: error('The body is larger than 10 MB.'),
        415: error('Not text/plain, text/markdown, text/html or application/json.'),
        503: error("The collection's embedding model cannot be loaded (moved or deleted since)."),
      },
    },
    {
      method: 'delete',
      path: '/api/collections/:collection/documents/:document',
      tag: 'collections',
      summary: 'Remove a document (its id, or its source URL-encoded) and its chunks',
      params: collections.documentParamsSchema,
      responses: { 204: { description: 'Removed.' }, 404: error('No such collection or document.') },
    },
    {
      method: 'post',
      path: '/api/collections/:collection/search',
      tag: 'collections',
      summary: 'Search a collection: BM25 (keyword), cosine (vector) or reciprocal rank fusion of both (hybrid)',
      params,
      body: collections.searchBodySchema,
      responses: {
        200: { description: 'Passages, best first.', schema: collections.searchResponseSchema },
        400: error('An empty query, one over 2000 characters, or vector search without an embedding model.'),
        404: notFound,
        503: error("The collection's embedding model cannot be loaded (vector and hybrid search)."),
      },
    },
  ];
}
