import { type Response, Router } from 'express';
import type { AppContext } from '../context.js';
import { requireContentType } from '../http/error-middleware.js';
import { parseRequest } from '../http/parse.js';
import type { LiveRun } from './live-run.js';
import { resumeAfter, streamEvents } from './run-stream.js';
import {
  flowParamsSchema,
  replayRunBodySchema,
  runEventsQuerySchema,
  runListQuerySchema,
  runParamsSchema,
  startRunBodySchema,
} from './runs.schemas.js';
import type { RunService } from './runs.service.js';

/**
 * The runs API:
 * - `POST /flows/:flow/runs` runs a stored version: 200 `{ run }` when it ends (also when it failed: the request was
 *   fine), or with `wait: false` 202 `{ run }` at once and a Location. A client that goes away does not cancel it.
 * - `GET /runs`, `GET /flows/:flow/runs`: newest first, paged with `before`.
 * - `GET /runs/:id`: the run with its node records.
 * - `GET /runs/:id/events`: Server-Sent Events, resumable with Last-Event-ID.
 * - `POST /runs/:id/cancel`: 202 with the cancelled run; 409 when it has already ended.
 * - `POST /runs/:id/replay`: a new run of the same version, inputs, variants and seed, answered as a started run;
 *   409 for a run recorded without a seed.
 */
export function runsRouter(context: AppContext): Router {
  const { runs } = context;
  const router = Router();

  router.post('/flows/:flow/runs', requireContentType('application/json'), async (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    const body = parseRequest(startRunBodySchema, request.body, 'body') ?? {};
    const { wait = true, ...options } = body;
    await answerRun(runs, response, runs.start({ ...options, flow, source: 'api' }), wait);
  });

  router.post('/runs/:id/replay', requireContentType('application/json'), async (request, response) => {
    const { id } = parseRequest(runParamsSchema, request.params, 'params');
    const { wait = true } = parseRequest(replayRunBodySchema, request.body, 'body') ?? {};
    await answerRun(runs, response, runs.replay(id), wait);
  });

  router.get('/runs', (request, response) => {
    const query = parseRequest(runListQuerySchema, request.query, 'query');
    response.json(page(runs.list(query), query.limit));
  });

  router.get('/flows/:flow/runs', (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    const query = parseRequest(runListQuerySchema.omit({ flow: true }), request.query, 'query');
    response.json(page(runs.list({ ...query, flow }), query.limit));
  });

  router.get('/runs/:id', (request, response) => {
    const { id } = parseRequest(runParamsSchema, request.params, 'params');
    response.json({ run: runs.require(id) });
  });

  router.get('/runs/:id/events', (request, response) => {
    const { id } = parseRequest(runParamsSchema, request.params, 'params');
    parseRequest(runEventsQuerySchema, request.query, 'query');
    const after = resumeAfter(request);
    streamEvents(request, response, runs.eventSource(id, after), { after });
  });

  router.post('/runs/:id/cancel', async (request, response) => {
    const { id } = parseRequest(runParamsSchema, request.params, 'params');
    response.status(202).json({ run: await runs.cancel(id) });
  });

  return router;
}

/** A started run's answer: 200 with the run once it has ended, or at once 202 with the run and its Location. */
async function answerRun(runs: RunService, response: Response, live: LiveRun, wait: boolean): Promise<void> {
  if (!wait) {
    response
      .status(202)
      .location(`/api/runs/${live.id}`)
      .json({ run: runs.require(live.id) });
    return;
  }
  await live.done;
  response.json({ run: runs.require(live.id) });
}

function page<T extends { id: string }>(items: T[], limit: number): { runs: T[]; next: string | null } {
  return { runs: items, next: items.length === limit ? items.at(-1)!.id : null };
}
