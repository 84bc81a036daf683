import { FlowValidationError, formatProblem, RunRequestError } from '@groundwork/runtime';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { HttpError } from './http-error.js';

/** Errors body-parser raises for what a client sent. */
interface BodyParserError extends Error {
  type?: string;
  limit?: number;
  status?: number;
}

/** Turns anything a handler throws into an HttpError: what the client got wrong as a 4xx, our own faults as a 500. */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof FlowValidationError) {
    const problems = error.problems.map((problem) => ({ ...problem, text: formatProblem(problem) }));
    return new HttpError(
      'invalid-flow',
      `the flow has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => p.text).join('; ')}`,
      { problems },
    );
  }
  if (error instanceof RunRequestError) {
    const issues = error.problems.map((problem) => ({ path: problem.field, message: problem.message }));
    return new HttpError('invalid-inputs', error.message, { issues });
  }
  // Express's router reports a malformed `%` escape in a path parameter as a URIError: the client's mistake.
  if (error instanceof URIError) return new HttpError('invalid-request', `the path is not valid: ${error.message}`);
  const parser = error as BodyParserError;
  switch (parser.type) {
    case 'entity.parse.failed':
      return new HttpError('invalid-json', `the body is not valid JSON: ${parser.message}`);
    case 'entity.too.large':
      return new HttpError('payload-too-large', `the body is larger than the limit of ${parser.limit} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError('unsupported-media-type', parser.message);
    case 'request.aborted':
      return new HttpError('invalid-request', 'the request was aborted while its body was read');
  }
  return undefined;
}

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (error, request, response, _next) => {
    const known = toHttpError(error);
    const failure =
      known ?? new HttpError('internal', 'the server failed to handle the request; the failure is in its log');
    if (!known) log.error({ err: error, method: request.method, url: request.originalUrl }, 'request failed');
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(failure.status).json(failure.toBody());
  };
}

/** A JSON 404 for API paths no route answers, naming the method and path. */
export const notFoundHandler: RequestHandler = (request, _response, next) => {
  next(new HttpError('not-found', `no route for ${request.method} ${request.originalUrl.split('?')[0]}`));
};

/** Requests with a body must send JSON (or, where a route says so, YAML); anything else is a 415. */
export function requireContentType(...types: string[]): RequestHandler {
  return (request, _response, next) => {
    const hasBody =
      Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    if (!hasBody || types.some((type) => request.is(type))) return next();
    next(
      new HttpError(
        'unsupported-media-type',
        `send the body as ${types.join(' or ')} (got ${request.headers['content-type'] ?? 'no content type'})`,
      ),
    );
  };
}
