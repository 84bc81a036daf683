import type { RequestHandler } from 'express';
import type { AppContext } from '../context.js';

// STUB: replaced by the keys feature.
export function requireApiKey(_context: AppContext): RequestHandler {
  return (_request, _response, next) => next();
}
