import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { toHttpError } from '../http/error-middleware.js';

/**
 * Errors on `/v1` in OpenAI's shape, `{ error: { message, type, param, code } }`, so that official clients raise
 * their own error classes with `param` and `code` filled in. Clients pick the class by HTTP status; `type` follows
 * what OpenAI sends: invalid_request_error for every 4xx (a bad key and an unknown model included), server_error
 * for a 5xx.
 */
export type OpenAIErrorType = 'invalid_request_error' | 'server_error';

export interface OpenAIErrorBody {
  error: { message: string; type: OpenAIErrorType; param: string | null; code: string | null };
}

export class OpenAIError extends Error {
  override name = 'OpenAIError';

  constructor(
    readonly status: number,
    message: string,
    readonly type: OpenAIErrorType,
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }

  static invalid(message: string, param: string | null = null, code: string | null = null): OpenAIError {
    return new OpenAIError(400, message, 'invalid_request_error', param, code);
  }

  static modelNotFound(model: string): OpenAIError {
    return new OpenAIError(
      404,
      `The model "${model}" does not exist: models go by their folder name (GET /v1/models lists them)`,
      'invalid_request_error',
      'model',
      'model_not_found',
    );
  }

  static internal(): OpenAIError {
    return new OpenAIError(500, 'The server failed to handle the request; the failure is in its log', 'server_error');
  }
}

/** The engine's error codes that say what is wrong with a request or a model rather than with the server. */
export function fromModelError(error: unknown, model: string): OpenAIError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code !== 'string') return undefined;
  if (code === 'unknown-model') return OpenAIError.modelNotFound(model);
  if (code === 'prompt-too-long') return OpenAIError.invalid(message, 'messages', 'context_length_exceeded');
  if (code === 'invalid-request') return OpenAIError.invalid(message);
  // The folder or its graph cannot be used here: the client can only pick another model.
  const unusable = ['unsupported-graph', 'kv-mismatch', 'unsupported-op', 'bad-onnx'];
  if (code.startsWith('model-') || unusable.includes(code))
    return OpenAIError.invalid(`The model "${model}" cannot be used: ${message}`, 'model', 'model_not_usable');
  return undefined;
}

/** What a client gets for anything thrown on `/v1`; the app's own errors (bad JSON, too large) keep their status. */
export function toOpenAIError(error: unknown): OpenAIError | undefined {
  if (error instanceof OpenAIError) return error;
  const known = toHttpError(error);
  if (!known) return undefined;
  const type = known.status >= 500 ? 'server_error' : 'invalid_request_error';
  return new OpenAIError(known.status, known.message, type, null, known.code.replaceAll('-', '_'));
}

export function sendOpenAIError(response: Response, error: OpenAIError): void {
  response.status(error.status).json(error.toBody());
}

/** Ends `/v1` requests that failed, with OpenAI's error body; unexpected failures are logged and become a 500. */
export function openaiErrorHandler(log: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const known = toOpenAIError(error);
    if (!known) log.error({ err: error, method: request.method, url: request.originalUrl }, 'request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    sendOpenAIError(response, known ?? OpenAIError.internal());
  };
}

/** Paths under `/v1` that no route answers, in OpenAI's shape. */
export const openaiNotFound: RequestHandler = (request, _response, next) => {
  const path = request.originalUrl.split('?')[0];
  next(new OpenAIError(404, `No route for ${request.method} ${path}`, 'invalid_request_error', null, 'not_found'));
};
