import { type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../context.js';
import { ChatCompletionService } from './chat-completions.js';
import { parseChatRequest } from './chat-request.js';
import { chatCompletion, completionHeader } from './chat-response.js';
import { streamChat } from './chat-stream.js';
import { OpenAIError, openaiErrorHandler, openaiNotFound } from './openai-errors.js';

/**
 * The OpenAI-compatible API under `/v1` (behind requireApiKey), so existing clients and SDKs can use the local
 * models: `GET /v1/models`, `GET /v1/models/{model}`, `POST /v1/chat/completions`. Every error on these paths,
 * unknown paths included, has OpenAI's error shape.
 */
export function openaiRouter(context: AppContext): Router {
  const service = new ChatCompletionService(context.models);
  const router = Router();

  router
    .route('/models')
    .get(async (_request, response) => {
      response.json({ object: 'list', data: await service.list() });
    })
    .all(methodNotAllowed('GET'));

  router
    .route('/models/:model')
    .get(async (request, response) => {
      const name = String(request.params.model);
      const model = await service.find(name);
      if (!model) throw OpenAIError.modelNotFound(name);
      response.json(model);
    })
    .all(methodNotAllowed('GET'));

  router
    .route('/chat/completions')
    .post(async (request, response) => {
      // Listening from the start: a client that gives up while the model loads should not get a generation.
      const signal = abortOnClose(response);
      const plan = parseChatRequest(request.body);
      const prepared = await service.prepare(plan);
      if (signal.aborted) return;
      if (plan.stream) return streamChat(service, prepared, plan, response, signal, context.log);
      const header = completionHeader(plan.model);
      try {
        const result = await service.generate(prepared, { signal });
        response.json(chatCompletion(header, result));
      } catch (error) {
        if (!signal.aborted) throw error;
      }
    })
    .all(methodNotAllowed('POST'));

  router.use(openaiNotFound);
  router.use(openaiErrorHandler(context.log));
  return router;
}

/** Aborted when the connection closes before the response is complete: generation stops at the next token. */
function abortOnClose(response: Response): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}

function methodNotAllowed(allowed: string): RequestHandler {
  return (request, response, next) => {
    response.setHeader('Allow', allowed);
    const path = request.originalUrl.split('?')[0];
    next(new OpenAIError(405, `${request.method} ${path} is not supported; use ${allowed}`, 'invalid_request_error'));
  };
}
