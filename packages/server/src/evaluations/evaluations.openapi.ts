import type { Operation, ResponseDoc } from '../openapi/openapi-builder.js';
import * as schemas from './evaluations.schemas.js';

/** The evaluations API for the OpenAPI document; `error` makes the app's error response doc. */
export function evaluationOperations(error: (description: string) => ResponseDoc): Operation[] {
  const notFound = error('No such evaluation.');
  const badRequest = error('A field is wrong; issues name each problem by its path.');
  const params = schemas.evaluationParamsSchema;
  return [
    {
      method: 'post',
      path: '/api/evaluations',
      tag: 'evaluations',
      summary: 'Evaluate a flow version over a dataset, per combination of variants; it starts running',
      body: schemas.createEvaluationBodySchema,
      responses: {
        201: { description: 'Stored and running.', schema: schemas.evaluationResponseSchema },
        400: error(
          'Something in the request is wrong (flow, version, dataset, mapping, variants, metrics, fields, scorer); every problem is in issues and nothing was stored.',
        ),
        422: error('The flow version has problems.'),
      },
    },
    {
      method: 'get',
      path: '/api/evaluations',
      tag: 'evaluations',
      summary: 'Evaluations, newest first',
      query: schemas.evaluationListQuerySchema,
      responses: { 200: { description: 'Evaluations.', schema: schemas.evaluationListResponseSchema }, 404: notFound },
    },
    {
      method: 'get',
      path: '/api/evaluations/compare',
      tag: 'evaluations',
      summary: 'Paired comparison of two combinations (of one or two evaluations over the same dataset): b − a',
      query: schemas.compareQuerySchema,
      responses: {
        200: { description: 'The comparison, with every row.', schema: schemas.comparisonSchema },
        400: error('No such combination, another dataset, or a metric both sides do not have.'),
        404: notFound,
      },
    },
    {
      method: 'put',
      path: '/api/evaluations/preferences',
      tag: 'evaluations',
      summary: 'Store which answer a person prefers on a row (replaces an earlier one)',
      body: schemas.preferenceBodySchema,
      responses: {
        200: { description: 'Stored.', schema: schemas.preferenceResponseSchema },
        400: badRequest,
        404: notFound,
      },
    },
    {
      method: 'delete',
      path: '/api/evaluations/preferences',
      tag: 'evaluations',
      summary: 'Remove a stored preference',
      query: schemas.preferenceDeleteQuerySchema,
      responses: { 204: { description: 'Removed.' }, 400: badRequest, 404: error('No such preference.') },
    },
    {
      method: 'get',
      path: '/api/evaluations/:id',
      tag: 'evaluations',
      summary: 'An evaluation with its summary: each metric per combination, mean and 95% bootstrap interval',
      params,
      responses: {
        200: { description: 'The evaluation.', schema: schemas.evaluationDetailResponseSchema },
        404: notFound,
      },
    },
    {
      method: 'get',
      path: '/api/evaluations/:id/results',
      tag: 'evaluations',
      summary: 'Per (combination, row) results: answer, metrics, groundedness by sentence, run id',
      params,
      query: schemas.resultsQuerySchema,
      responses: { 200: { description: 'A page of results.', schema: schemas.resultsResponseSchema }, 404: notFound },
    },
    {
      method: 'get',
      path: '/api/evaluations/:id/events',
      tag: 'evaluations',
      summary: 'Progress as Server-Sent Events: progress, item-end, evaluation-end',
      params,
      responses: {
        200: {
          description: 'Events until evaluation-end (at once for one that is not running).',
          contentType: 'text/event-stream',
        },
        404: notFound,
      },
    },
    {
      method: 'post',
      path: '/api/evaluations/:id/cancel',
      tag: 'evaluations',
      summary: 'Stop a running evaluation (resumable)',
      params,
      responses: {
        200: { description: 'Cancelled.', schema: schemas.evaluationResponseSchema },
        404: notFound,
        409: error('It is not running.'),
      },
    },
    {
      method: 'post',
      path: '/api/evaluations/:id/resume',
      tag: 'evaluations',
      summary: 'Go on with a stopped evaluation: only items not done run',
      params,
      responses: {
        202: { description: 'Running again.', schema: schemas.evaluationResponseSchema },
        404: notFound,
        409: error('It is running, or every item is done.'),
      },
    },
    {
      method: 'delete',
      path: '/api/evaluations/:id',
      tag: 'evaluations',
      summary: 'Delete an evaluation (its runs stay in the run history)',
      params,
      responses: { 204: { description: 'Deleted.' }, 404: notFound },
    },
  ];
}
