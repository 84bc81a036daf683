import { detectFormat } from '@groundwork/runtime';
import express, { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireContentType } from '../http/error-middleware.js';
import { parseRequest } from '../http/parse.js';
import {
  DEFAULT_DATASET_BODY_LIMIT,
  DEFAULT_ROW_PAGE,
  datasetParamsSchema,
  noQuerySchema,
  rowsQuerySchema,
  UPLOAD_CONTENT_TYPES,
  uploadBodySchema,
  uploadQuerySchema,
} from './datasets.schemas.js';

/**
 * `/api/datasets…`. The upload takes the file itself as the body, read as text here with its own (larger) limit:
 * this router is mounted before the app's JSON parser, so a JSON-array dataset reaches it as text too.
 */
export function datasetsRouter(context: AppContext): Router {
  const service = context.datasets;
  const router = Router();

  router.post(
    '/datasets',
    requireContentType(...UPLOAD_CONTENT_TYPES),
    express.text({ type: UPLOAD_CONTENT_TYPES, limit: context.config.datasetBodyLimit ?? DEFAULT_DATASET_BODY_LIMIT }),
    (request, response) => {
      const { name } = parseRequest(uploadQuerySchema, request.query, 'query');
      const text = parseRequest(uploadBodySchema, request.body, 'body');
      // requireContentType let through only content types that name a format.
      const format = detectFormat({ contentType: request.headers['content-type'], text });
      const dataset = service.import({ name, text, format });
      response.status(201).json({ dataset });
    },
  );

  router.get('/datasets', (request, response) => {
    parseRequest(noQuerySchema, request.query, 'query');
    response.json({ datasets: service.list() });
  });

  router.get('/datasets/:dataset', (request, response) => {
    const params = parseRequest(datasetParamsSchema, request.params, 'params');
    const page = parseRequest(rowsQuerySchema, request.query, 'query');
    const dataset = service.get(params.dataset);
    const rows = service.rows(dataset.id, { offset: page.offset ?? 0, limit: page.limit ?? DEFAULT_ROW_PAGE });
    response.json({ dataset, rows });
  });

  router.delete('/datasets/:dataset', (request, response) => {
    const params = parseRequest(datasetParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    service.delete(params.dataset);
    response.status(204).end();
  });

  return router;
}
