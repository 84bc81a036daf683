import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { HttpError } from '../http/http-error.js';
import { OpenAIError, sendOpenAIError } from '../openai/openai-errors.js';

const MISSING = 'this endpoint needs an API key: Authorization: Bearer <key> (groundwork keys create NAME makes one)';
// The same words for an unknown key and a revoked one: a caller learns nothing about which keys exist.
const REJECTED = 'the API key is not valid (unknown or revoked): Authorization: Bearer <key>';

/**
 * Guards published flows (`/api/v1`) and the OpenAI-compatible API (`/v1`). Open while no key exists, so a fresh
 * install works on loopback without setup; once one is created, every request needs `Authorization: Bearer <key>`.
 * `/v1` answers in OpenAI's error shape so official clients raise AuthenticationError.
 */
export function requireApiKey(context: AppContext): RequestHandler {
  return (request, response, next) => {
    if (!context.keys.required()) return next();
    const presented = bearerToken(request.headers.authorization);
    if (presented !== undefined && context.keys.verify(presented)) return next();
    response.setHeader('WWW-Authenticate', 'Bearer');
    const message = presented === undefined ? MISSING : REJECTED;
    if (isOpenAIPath(request)) {
      const code = presented === undefined ? 'missing_api_key' : 'invalid_api_key';
      return sendOpenAIError(response, new OpenAIError(401, message, 'invalid_request_error', null, code));
    }
    next(new HttpError('unauthorized', message));
  };
}

/** The key in `Authorization: Bearer <key>` (scheme in any case, as RFC 7235 says); undefined when there is none. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}

function isOpenAIPath(request: Request): boolean {
  return request.baseUrl === '/v1' || request.baseUrl.startsWith('/v1/');
}
