import { type DocumentFormat, detectDocumentFormat } from '@groundwork/runtime/retrieval';
import express, { type Response, Router } from 'express';
import type { AppContext } from '../context.js';
import { requireContentType } from '../http/error-middleware.js';
import { HttpError } from '../http/http-error.js';
import { parseRequest } from '../http/parse.js';
import {
  addDocumentQuerySchema,
  addDocumentsBodySchema,
  collectionParamsSchema,
  createCollectionBodySchema,
  DOCUMENT_BODY_LIMIT,
  DOCUMENT_CONTENT_TYPES,
  documentParamsSchema,
  noQuerySchema,
  rawDocumentSchema,
  searchBodySchema,
} from './collections.schemas.js';

/**
 * `/api/collections…`. Mounted before the app's JSON parser: documents arrive as raw text or as a JSON batch, both
 * under the document limit (10 MB); the other routes parse JSON under the app's body limit.
 */
export function collectionsRouter(context: AppContext): Router {
  const service = context.collections;
  const router = Router();
  const json = express.json({ limit: context.config.bodyLimit });

  router.post('/collections', requireContentType('application/json'), json, async (request, response) => {
    parseRequest(noQuerySchema, request.query, 'query');
    const body = parseRequest(createCollectionBodySchema, request.body, 'body');
    response.status(201).json({ collection: await service.create(body) });
  });

  router.get('/collections', (request, response) => {
    parseRequest(noQuerySchema, request.query, 'query');
    response.json({ collections: service.list() });
  });

  router.get('/collections/:collection', (request, response) => {
    const { collection } = parseRequest(collectionParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    const found = service.get(collection);
    response.json({ collection: found, documents: service.documents(found.id) });
  });

  router.delete('/collections/:collection', (request, response) => {
    const { collection } = parseRequest(collectionParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    service.delete(collection);
    response.status(204).end();
  });

  router.post(
    '/collections/:collection/documents',
    requireContentType(...DOCUMENT_CONTENT_TYPES, 'application/json'),
    express.text({ type: DOCUMENT_CONTENT_TYPES, limit: DOCUMENT_BODY_LIMIT }),
    express.json({ limit: DOCUMENT_BODY_LIMIT }),
    async (request, response) => {
      const { collection } = parseRequest(collectionParamsSchema, request.params, 'params');
      const { source } = parseRequest(addDocumentQuerySchema, request.query, 'query');
      const signal = abortOnClose(response);
      if (request.is('application/json')) {
        if (source !== undefined)
          throw new HttpError('invalid-request', 'query.source: name each document in the body');
        const { documents } = parseRequest(addDocumentsBodySchema, request.body, 'body');
        const results = await service.addDocuments(collection, documents, signal);
        response.status(results.some((result) => result.status === 'added') ? 201 : 200).json({ results });
        return;
      }
      if (source === undefined) {
        const message = 'is required: name the document (?source=guide.md)';
        throw new HttpError('invalid-request', `query.source: ${message}`, {
          issues: [{ path: 'query.source', message }],
        });
      }
      const content = parseRequest(rawDocumentSchema, request.body, 'body');
      const format = rawFormat(request.headers['content-type'], source);
      const result = await service.addDocument(collection, { source, content, format }, signal);
      response.status(result.status === 'added' ? 201 : 200).json(result);
    },
  );

  router.delete('/collections/:collection/documents/:document', (request, response) => {
    const params = parseRequest(documentParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    service.removeDocument(params.collection, params.document);
    response.status(204).end();
  });

  router.post(
    '/collections/:collection/search',
    requireContentType('application/json'),
    json,
    async (request, response) => {
      const { collection } = parseRequest(collectionParamsSchema, request.params, 'params');
      parseRequest(noQuerySchema, request.query, 'query');
      const body = parseRequest(searchBodySchema, request.body, 'body');
      response.json(await service.search(collection, body, abortOnClose(response)));
    },
  );

  return router;
}

/** text/markdown and text/html say the format; text/plain leaves it to the source's extension (`notes.md`). */
function rawFormat(contentType: string | undefined, source: string): DocumentFormat {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return detectDocumentFormat(type === 'text/plain' ? { fileName: source } : { fileName: source, contentType: type });
}

/** Aborted when the connection closes before the answer is sent: embedding a large upload stops. */
function abortOnClose(response: Response): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}
