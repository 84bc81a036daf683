import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, request, type ServerProcess, startServer } from './server-process.js';

/** Every route the server answers, as "METHOD /path" with OpenAPI's {param} syntax. */
const ROUTES = [
  'GET /api/health',
  'GET /api/node-types',
  'GET /api/flows',
  'POST /api/flows',
  'POST /api/flows/import',
  'GET /api/flows/{flow}',
  'PUT /api/flows/{flow}',
  'DELETE /api/flows/{flow}',
  'GET /api/flows/{flow}/versions',
  'GET /api/flows/{flow}/versions/{version}',
  'POST /api/flows/{flow}/versions/{version}/restore',
  'GET /api/flows/{flow}/diff',
  'GET /api/flows/{flow}/variant-diff',
  'GET /api/flows/{flow}/labels',
  'PUT /api/flows/{flow}/labels/{label}',
  'DELETE /api/flows/{flow}/labels/{label}',
  'GET /api/flows/{flow}/export',
  'POST /api/flows/{flow}/runs',
  'GET /api/flows/{flow}/runs',
  'GET /api/runs',
  'GET /api/runs/{id}',
  'GET /api/runs/{id}/events',
  'POST /api/runs/{id}/cancel',
  'POST /api/runs/{id}/replay',
  'POST /api/v1/flows/{name}/run',
  'GET /api/models',
  'GET /v1/models',
  'POST /v1/chat/completions',
  'POST /api/datasets',
  'GET /api/datasets',
  'GET /api/datasets/{dataset}',
  'DELETE /api/datasets/{dataset}',
  'POST /api/collections',
  'GET /api/collections',
  'GET /api/collections/{collection}',
  'DELETE /api/collections/{collection}',
  'POST /api/collections/{collection}/documents',
  'DELETE /api/collections/{collection}/documents/{document}',
  'POST /api/collections/{collection}/search',
  'POST /api/evaluations',
  'GET /api/evaluations',
  'GET /api/evaluations/compare',
  'GET /api/evaluations/{id}',
  'DELETE /api/evaluations/{id}',
  'GET /api/evaluations/{id}/events',
  'GET /api/evaluations/{id}/results',
  'POST /api/evaluations/{id}/cancel',
  'POST /api/evaluations/{id}/resume',
  'PUT /api/evaluations/preferences',
  'DELETE /api/evaluations/preferences',
];

describe('GET /api/openapi.json', () => {
  let server: ServerProcess;
  // biome-ignore lint/suspicious/noExplicitAny: the test walks the JSON document by its OpenAPI paths.
  let document: any;
  beforeAll(async () => {
    server = await startServer();
    document = (await request(server.url, 'GET', '/api/openapi.json')).body;
  });
  afterAll(() => server.stop());

  it('is an OpenAPI 3.1 document listing every route with its responses', () => {
    expect(document).toMatchObject({ openapi: '3.1.0', info: { title: 'Groundwork', version: expect.any(String) } });
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual([...ROUTES].sort());
    for (const route of ROUTES) {
      const [method, path] = route.split(' ');
      const operation = document.paths[path!][method!.toLowerCase()];
      expect(Object.keys(operation.responses).length, route).toBeGreaterThan(0);
      for (const name of path!.match(/\{(\w+)\}/g) ?? []) {
        expect(
          operation.parameters.some((p: { name: string; in: string }) => p.in === 'path' && `{${p.name}}` === name),
          `${route} ${name}`,
        ).toBe(true);
      }
    }
  });

  it('describes request bodies with the fields the server checks', () => {
    const create = document.paths['/api/flows'].post.requestBody.content['application/json'].schema;
    expect(create).toMatchObject({ type: 'object', required: ['flow'], additionalProperties: false });
    expect(Object.keys(create.properties).sort()).toEqual(['flow', 'note']);
    const run = document.paths['/api/flows/{flow}/runs'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(run.properties)).toEqual(
      expect.arrayContaining(['inputs', 'variants', 'seed', 'wait', 'version', 'label']),
    );
    expect(run.properties.seed).toMatchObject({ type: 'integer', minimum: 0, maximum: 4294967295 });
    const published = document.paths['/api/v1/flows/{name}/run'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(published.properties)).toContain('seed');
    const replay = document.paths['/api/runs/{id}/replay'].post.requestBody;
    expect(replay.required).toBe(false);
    expect(Object.keys(replay.content['application/json'].schema.properties)).toEqual(['wait']);
    expect(document.paths['/api/flows/{flow}/versions/{version}/restore'].post.requestBody.required).toBe(false);
    expect(document.paths['/api/flows'].post.requestBody.required).toBe(true);
    const diffQuery = document.paths['/api/flows/{flow}/diff'].get.parameters
      .filter((parameter: { in: string }) => parameter.in === 'query')
      .map((parameter: { name: string; required: boolean }) => [parameter.name, parameter.required]);
    expect(diffQuery).toEqual([
      ['from', false],
      ['to', false],
    ]);
    const variantQuery = document.paths['/api/flows/{flow}/variant-diff'].get.parameters
      .filter((parameter: { in: string }) => parameter.in === 'query')
      .map((parameter: { name: string; required: boolean }) => [parameter.name, parameter.required]);
    expect(variantQuery).toEqual([
      ['node', true],
      ['from', true],
      ['to', true],
      ['version', false],
    ]);
    const chat = document.paths['/v1/chat/completions'].post;
    expect(chat.security).toEqual([{ apiKey: [] }, {}]);
    expect(chat.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['model', 'messages']),
    );
    const importBody = document.paths['/api/flows/import'].post.requestBody.content;
    expect(Object.keys(importBody)).toEqual(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain']);
  });

  it('documents responses as the server gives them', async () => {
    const yaml = readFileSync(join(ROOT, 'examples/support-triage.flow.yaml'), 'utf8');
    const saved = await request(server.url, 'POST', '/api/flows/import', yaml, { 'content-type': 'application/yaml' });
    expect(saved.status).toBe(201);
    const saveSchema = document.paths['/api/flows/import'].post.responses['201'].content['application/json'].schema;
    for (const key of saveSchema.required) expect(saved.body, key).toHaveProperty(key);
    const run = await request(server.url, 'POST', '/api/flows/support-triage/runs', {
      inputs: { message: 'my invoice is wrong' },
    });
    const runSchema = document.paths['/api/flows/{flow}/runs'].post.responses['200'].content['application/json'].schema;
    for (const key of runSchema.properties.run.required) expect(run.body.run, key).toHaveProperty(key);
    expect(runSchema.properties.run.required).toEqual(expect.arrayContaining(['seed', 'replayOf']));
    expect(run.body.run.status).toBe('succeeded');
    const detail = await request(server.url, 'GET', '/api/flows/support-triage');
    const detailSchema = document.paths['/api/flows/{flow}'].get.responses['200'].content['application/json'].schema;
    expect(detailSchema.required).toContain('published');
    for (const key of detailSchema.required) expect(detail.body, key).toHaveProperty(key);
    const history = await request(server.url, 'GET', '/api/flows/support-triage/versions');
    const historySchema =
      document.paths['/api/flows/{flow}/versions'].get.responses['200'].content['application/json'].schema;
    expect(historySchema.required).toEqual(['versions', 'published']);
    for (const key of historySchema.properties.versions.items.required) {
      expect(history.body.versions[0], key).toHaveProperty(key);
    }
    const diff = await request(server.url, 'GET', '/api/flows/support-triage/diff');
    const diffSchema = document.paths['/api/flows/{flow}/diff'].get.responses['200'].content['application/json'].schema;
    for (const key of diffSchema.required) expect(diff.body, key).toHaveProperty(key);
  });
});
