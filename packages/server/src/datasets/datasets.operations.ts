import { z } from 'zod';
import type { Operation, ResponseDoc } from '../openapi/openapi-builder.js';
import * as datasets from './datasets.schemas.js';

/** The datasets API for the OpenAPI document; `error` makes the app's error response doc. */
export function datasetOperations(error: (description: string) => ResponseDoc): Operation[] {
  const notFound = error('No such dataset.');
  return [
    {
      method: 'post',
      path: '/api/datasets',
      tag: 'datasets',
      summary:
        'Import a dataset: the file as the body (JSONL, CSV with a header row, or a JSON array of objects), whole or not at all',
      query: datasets.uploadQuerySchema,
      body: z.string(),
      bodyContentTypes: datasets.UPLOAD_CONTENT_TYPES,
      responses: {
        201: { description: 'Stored.', schema: datasets.datasetResponseSchema },
        400: error('A bad name, or bad lines: issues lists each ({ path: "body", line, message }, up to 50).'),
        409: error('The name is taken.'),
        413: error('The file is larger than the upload limit (50 MB by default).'),
        415: error('The content type names no dataset format.'),
      },
    },
    {
      method: 'get',
      path: '/api/datasets',
      tag: 'datasets',
      summary: 'List datasets, newest first',
      responses: { 200: { description: 'The datasets.', schema: datasets.datasetListResponseSchema } },
    },
    {
      method: 'get',
      path: '/api/datasets/:dataset',
      tag: 'datasets',
      summary: 'A dataset and a page of its rows',
      params: datasets.datasetParamsSchema,
      query: datasets.rowsQuerySchema,
      responses: {
        200: { description: 'The dataset and rows offset..offset+limit.', schema: datasets.datasetRowsResponseSchema },
        400: error('offset or limit is not a whole number in range.'),
        404: notFound,
      },
    },
    {
      method: 'delete',
      path: '/api/datasets/:dataset',
      tag: 'datasets',
      summary: 'Delete a dataset and its rows',
      params: datasets.datasetParamsSchema,
      responses: {
        204: { description: 'Deleted.' },
        404: notFound,
        409: error('Evaluations use it (the message and `evaluations` name them).'),
      },
    },
  ];
}
