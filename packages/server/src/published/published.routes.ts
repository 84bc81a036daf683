import { Router } from 'express';
import type { AppContext } from '../context.js';
import { PUBLISHED_LABEL } from '../flows/version-ref.js';
import { requireContentType } from '../http/error-middleware.js';
import { HttpError } from '../http/http-error.js';
import { parseRequest } from '../http/parse.js';
import { streamEvents } from '../runs/run-stream.js';
import { publishedParamsSchema, publishedRunBodySchema } from './published.schemas.js';

/**
 * `POST /flows/:name/run` (under /api/v1, behind API keys): runs the flow's production version (else its latest).
 * JSON: 200 `{ outputs, run_id, status }`, or 422 `run-failed` naming the node. `stream: true`: the run's events as
 * SSE, ending with run-end. Unlike API runs, a call whose client goes away is cancelled: nobody will read the
 * result, and the model's time goes to callers who will.
 */
export function publishedRouter(context: AppContext): Router {
  const router = Router();

  router.post('/flows/:name/run', requireContentType('application/json'), async (request, response) => {
    const { name } = parseRequest(publishedParamsSchema, request.params, 'params');
    const body = parseRequest(publishedRunBodySchema, request.body, 'body') ?? {};
    const live = context.runs.start({
      flow: name,
      preferLabel: PUBLISHED_LABEL,
      source: 'published',
      ...(body.inputs ? { inputs: body.inputs } : {}),
      ...(body.variants ? { variants: body.variants } : {}),
      ...(body.seed === undefined ? {} : { seed: body.seed }),
    });
    const cancel = () => live.controller.abort();
    if (body.stream) {
      streamEvents(request, response, { live }, { after: 0, onClientGone: cancel });
      return;
    }
    response.on('close', () => {
      if (!live.ended) cancel();
    });
    await live.done;
    // A caller who left was cancelled above and reads no answer.
    if (response.destroyed) return;
    const run = context.runs.require(live.id);
    if (run.status === 'succeeded') {
      response.json({ outputs: run.outputs, run_id: run.id, status: 'succeeded' });
      return;
    }
    if (run.status === 'cancelled') {
      throw new HttpError('run-cancelled', `run "${run.id}" was cancelled before it ended`, { run_id: run.id });
    }
    const error = run.error ?? { code: 'failed', message: 'the run failed' };
    throw new HttpError('run-failed', error.message, {
      run_id: run.id,
      node: error.nodeId ?? null,
      ...(error.scope ? { scope: error.scope } : {}),
      reason: error.code,
    });
  });

  return router;
}
