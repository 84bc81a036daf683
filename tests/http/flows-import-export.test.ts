/** `*.flow.yaml` import and export, against the real server, with the repository's example flows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFlowYaml } from '@groundwork/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, request, type ServerProcess, startServer } from './server-process.js';

const exampleText = (file: string) => readFileSync(join(ROOT, 'examples', file), 'utf8');

let server: ServerProcess;
const api = (method: string, path: string, body?: unknown) => request(server.url, method, path, body);
const importYaml = (text: string, query = '', contentType = 'application/yaml') =>
  request(server.url, 'POST', `/api/flows/import${query}`, text, { 'content-type': contentType });

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe('import', () => {
  it('imports a flow file as a new flow, then as its next version, then as unchanged', async () => {
    const text = exampleText('parallel-review.flow.yaml');
    const created = await importYaml(text, '?note=from%20git');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      created: true,
      unchanged: false,
      flow: { name: 'parallel-review', latestVersion: 1 },
      version: { version: 1, note: 'from git' },
      problems: [],
    });
    const same = await importYaml(text, '', 'text/yaml');
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ created: false, unchanged: true, version: { version: 1 } });
    const edited = text.replace('default: 40', 'default: 60');
    expect(edited).not.toBe(text);
    const next = await importYaml(edited, '?note=longer%20limit', 'text/plain; charset=utf-8');
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({
      created: false,
      unchanged: false,
      flow: { id: created.body.flow.id, latestVersion: 2 },
      version: { version: 2, note: 'longer limit', flow: { inputs: { maxWords: { default: 60 } } } },
    });
  });

  it('lets a stored flow refer to an imported one by name', async () => {
    await importYaml(exampleText('lib/word-count.flow.yaml'));
    const batch = exampleText('batch-summaries.flow.yaml').replace(
      'ref: ./lib/word-count.flow.yaml',
      'ref: word-count',
    );
    const imported = await importYaml(batch);
    expect(imported.status).toBe(201);
    expect(imported.body.problems).toEqual([]);
    const unresolved = await importYaml(
      exampleText('batch-summaries.flow.yaml').replace('name: batch-summaries', 'name: batch-by-path'),
    );
    expect(unresolved.body.problems.map((problem: { code: string }) => problem.code)).toEqual([
      'unknown-flow-reference',
    ]);
  });

  it('answers a YAML syntax error with its line and column, and stores nothing', async () => {
    const text = exampleText('story.flow.yaml').replace(
      '    position: { x: 280, y: 0 }',
      '    position: { x: 280, y: 0 ',
    );
    const response = await importYaml(text);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid-request');
    expect(response.body.error.message).toMatch(/^the body is not valid YAML: /);
    expect(response.body.error.issues[0]).toEqual({
      path: 'body',
      message: expect.stringMatching(/^line \d+, column \d+: /),
    });
    expect((await api('GET', '/api/flows/story')).status).toBe(404);
  });

  it('names the path of a shape problem in the YAML', async () => {
    const text = exampleText('story.flow.yaml').replace('    type: llm\n', '    type: llm\n    tempreature: 0.5\n');
    const response = await importYaml(text);
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([{ path: 'body.nodes[1]', message: 'unknown field "tempreature"' }]);
  });

  it.each([
    // The API's JSON parser reads a JSON body before this route sees it: a JSON document is refused, not imported.
    ['a JSON body', 415, JSON.stringify({ schemaVersion: 1, name: 'json', nodes: [] }), 'application/json'],
    ['an empty body', 400, '', 'application/yaml'],
    ['a body over the limit', 413, `# ${'x'.repeat(1_100_000)}\n`, 'application/yaml'],
  ])('answers %s with %i', async (_what, status, text, contentType) => {
    const response = await importYaml(text, '', contentType);
    expect(response.status).toBe(status);
    expect(response.body.error.message).toEqual(expect.any(String));
    expect((await api('GET', '/api/flows/json')).status).toBe(404);
  });

  it('refuses an unknown query field', async () => {
    const response = await importYaml(exampleText('story.flow.yaml'), '?notes=typo');
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([{ path: 'query', message: 'unknown field "notes"' }]);
  });
});

describe('export', () => {
  it.each(['story', 'support-triage', 'parallel-review'])(
    'exports %s as YAML that loads back as the saved document',
    async (name) => {
      const saved = await importYaml(exampleText(`${name}.flow.yaml`));
      expect(saved.body.version.flow.name).toBe(name);
      const exported = await request(server.url, 'GET', `/api/flows/${name}/export`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
      expect(exported.headers.get('content-disposition')).toBe(`attachment; filename="${name}.flow.yaml"`);
      expect(loadFlowYaml(exported.body)).toEqual({ ok: true, flow: saved.body.version.flow });
    },
  );

  it('exports the version asked for', async () => {
    const text = exampleText('story.flow.yaml').replace('name: story', 'name: story-versions');
    await importYaml(text);
    await importYaml(text.replace('maxTokens: 48', 'maxTokens: 96'));
    const first = await request(server.url, 'GET', '/api/flows/story-versions/export?version=1');
    expect(first.body).toContain('maxTokens: 48');
    const latest = await request(server.url, 'GET', '/api/flows/story-versions/export');
    expect(latest.body).toContain('maxTokens: 96');
    const missing = await api('GET', '/api/flows/story-versions/export?version=3');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('flow "story-versions" has no version 3 (the latest is 2)');
    const invalid = await api('GET', '/api/flows/story-versions/export?version=two');
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.issues[0].path).toBe('query.version');
  });

  it('has logged no server failure', () => {
    expect(server.stderr()).not.toContain('"level":50');
  });
});
