import { readFileSync } from 'node:fs';
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { buildOpenApiDocument } from './openapi-builder.js';
import { OPERATIONS } from './operations.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** `GET /api/openapi.json`: the API described from the same schemas the routes check requests with. */
export function openapiRouter(_context: AppContext): Router {
  const document = buildOpenApiDocument(OPERATIONS, { title: 'Groundwork', version });
  return Router().get('/openapi.json', (_request, response) => {
    response.json(document);
  });
}
