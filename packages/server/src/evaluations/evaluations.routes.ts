import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireContentType } from '../http/error-middleware.js';
import { parseRequest } from '../http/parse.js';
import { streamEvaluation } from './evaluation-stream.js';
import {
  compareQuerySchema,
  createEvaluationBodySchema,
  evaluationListQuerySchema,
  evaluationParamsSchema,
  preferenceBodySchema,
  preferenceDeleteQuerySchema,
  resultsQuerySchema,
} from './evaluations.schemas.js';

/**
 * The evaluations API (see docs/api.md, "Evaluations"):
 * - `POST /evaluations`: checks the whole request (400 listing every problem, nothing stored), 201 and it runs.
 * - `GET /evaluations`, `GET /evaluations/:id` (with the summary), `GET /evaluations/:id/results`.
 * - `GET /evaluations/:id/events`: SSE `progress`, `item-end`, `evaluation-end`.
 * - `POST /evaluations/:id/cancel`, `POST /evaluations/:id/resume`, `DELETE /evaluations/:id`.
 * - `GET /evaluations/compare?a=&b=&metric=`, `PUT|DELETE /evaluations/preferences`.
 */
export function evaluationsRouter(context: AppContext): Router {
  const { evaluations } = context;
  const router = Router();

  router.post('/evaluations', requireContentType('application/json'), async (request, response) => {
    const body = parseRequest(createEvaluationBodySchema, request.body, 'body');
    const evaluation = await evaluations.create(body);
    response.status(201).location(`/api/evaluations/${evaluation.id}`).json({ evaluation });
  });

  router.get('/evaluations', (request, response) => {
    const query = parseRequest(evaluationListQuerySchema, request.query, 'query');
    response.json({ evaluations: evaluations.list(query) });
  });

  // Before /evaluations/:id, which would take `compare` and `preferences` for ids.
  router.get('/evaluations/compare', (request, response) => {
    const query = parseRequest(compareQuerySchema, request.query, 'query');
    response.json(evaluations.comparisons.compare(query));
  });

  router.put('/evaluations/preferences', requireContentType('application/json'), (request, response) => {
    const body = parseRequest(preferenceBodySchema, request.body, 'body');
    response.json({ preference: evaluations.comparisons.setPreference(body) });
  });

  router.delete('/evaluations/preferences', (request, response) => {
    const query = parseRequest(preferenceDeleteQuerySchema, request.query, 'query');
    evaluations.comparisons.deletePreference(query);
    response.status(204).end();
  });

  router.get('/evaluations/:id', (request, response) => {
    const { id } = parseRequest(evaluationParamsSchema, request.params, 'params');
    const evaluation = evaluations.require(id);
    response.json({ evaluation, summary: evaluations.summary(evaluation) });
  });

  router.get('/evaluations/:id/results', (request, response) => {
    const { id } = parseRequest(evaluationParamsSchema, request.params, 'params');
    const query = parseRequest(resultsQuerySchema, request.query, 'query');
    response.json(evaluations.results(id, query));
  });

  router.get('/evaluations/:id/events', (request, response) => {
    const { id } = parseRequest(evaluationParamsSchema, request.params, 'params');
    streamEvaluation(request, response, evaluations.follow(id));
  });

  router.post('/evaluations/:id/cancel', async (request, response) => {
    const { id } = parseRequest(evaluationParamsSchema, request.params, 'params');
    response.json({ evaluation: await evaluations.cancel(id) });
  });

  router.post('/evaluations/:id/resume', async (request, response) => {
    const { id } = parseRequest(evaluationParamsSchema, request.params, 'params');
    response.status(202).json({ evaluation: await evaluations.resume(id) });
  });

  router.delete('/evaluations/:id', async (request, response) => {
    const { id } = parseRequest(evaluationParamsSchema, request.params, 'params');
    await evaluations.delete(id);
    response.status(204).end();
  });

  return router;
}
