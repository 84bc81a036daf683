/** The flows API against the real server: saving, listing, updating and deleting flows, and what it refuses. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Flow, loadFlowYaml } from '@groundwork/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, request, type ServerProcess, startServer } from './server-process.js';

/** An example flow as the editor would send it: the parsed document. */
function example(name: string): Flow {
  const loaded = loadFlowYaml(readFileSync(join(ROOT, 'examples', `${name}.flow.yaml`), 'utf8'));
  if (!loaded.ok) throw new Error(`examples/${name}.flow.yaml does not load`);
  return loaded.flow;
}

/** story with another token budget: a different document with the same name. */
function storyWith(maxTokens: number, name = 'story'): Flow {
  const flow = example('story');
  flow.name = name;
  flow.nodes[1]!.config = { ...flow.nodes[1]!.config, maxTokens };
  return flow;
}

let server: ServerProcess;
const api = (method: string, path: string, body?: unknown) => request(server.url, method, path, body);

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.stop());

describe('creating, listing and reading flows', () => {
  it('saves a flow as version 1 and lists it', async () => {
    const created = await api('POST', '/api/flows', { flow: example('support-triage'), note: 'from the examples' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      flow: { id: expect.stringMatching(/^flw_/), name: 'support-triage', latestVersion: 1, labels: {} },
      version: {
        version: 1,
        note: 'from the examples',
        contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        flow: example('support-triage'),
      },
      problems: [],
    });
    const list = await api('GET', '/api/flows');
    expect(list.status).toBe(200);
    expect(list.body.flows).toContainEqual(created.body.flow);
  });

  it('reads a flow by id and by name with its latest document', async () => {
    const created = await api('POST', '/api/flows', { flow: example('parallel-review') });
    const byId = await api('GET', `/api/flows/${created.body.flow.id}`);
    const byName = await api('GET', '/api/flows/parallel-review');
    expect(byId.status).toBe(200);
    expect(byName.body).toEqual(byId.body);
    expect(byName.body.version).toMatchObject({ version: 1, flow: example('parallel-review') });
  });

  it('saves a flow with graph problems and returns them with the node and path', async () => {
    // batch-summaries refers to ./lib/word-count.flow.yaml, a file path; the server resolves stored flow names.
    const created = await api('POST', '/api/flows', { flow: example('batch-summaries') });
    expect(created.status).toBe(201);
    expect(created.body.problems).toEqual([
      expect.objectContaining({
        code: 'unknown-flow-reference',
        nodeId: 'count_words',
        path: ['nodes', 3, 'config', 'flow', 'ref'],
      }),
    ]);
    const stored = await api('GET', '/api/flows/batch-summaries');
    expect(stored.body.version.flow).toEqual(example('batch-summaries'));
    expect(stored.body.problems).toEqual(created.body.problems);
  });

  it('refuses a document that is not a flow with a 400 naming the node path, and saves nothing', async () => {
    const flow = storyWith(48, 'misshapen') as unknown as { nodes: Record<string, unknown>[] };
    flow.nodes[2] = { ...flow.nodes[2], position: { x: 'right', y: 0 } };
    flow.nodes[1] = { ...flow.nodes[1], tempreature: 0.2 };
    const response = await api('POST', '/api/flows', { flow });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid-request');
    expect(response.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: 'body.flow.nodes[2].position.x', message: expect.stringContaining('expected number') },
        { path: 'body.flow.nodes[1]', message: 'unknown field "tempreature"' },
      ]),
    );
    expect((await api('GET', '/api/flows/misshapen')).status).toBe(404);
  });

  it('answers a name taken by another flow with 409 naming it', async () => {
    await api('POST', '/api/flows', { flow: storyWith(10, 'taken') });
    const response = await api('POST', '/api/flows', { flow: storyWith(20, 'taken') });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'conflict', message: 'another flow is already named "taken"' });
    expect((await api('GET', '/api/flows/taken')).body.version.flow.nodes[1].config.maxTokens).toBe(10);
  });
});

describe('saving new versions', () => {
  it('saves version 2, then answers an equal document as unchanged', async () => {
    await api('POST', '/api/flows', { flow: storyWith(48, 'versioned') });
    const second = await api('PUT', '/api/flows/versioned', { flow: storyWith(64, 'versioned'), note: 'longer' });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      unchanged: false,
      flow: { latestVersion: 2 },
      version: { version: 2, note: 'longer' },
    });
    const same = await api('PUT', '/api/flows/versioned', { flow: storyWith(64, 'versioned'), note: 'again' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ unchanged: true, version: { version: 2, note: 'longer' } });
    expect(same.body.version.contentHash).toBe(second.body.version.contentHash);
    expect((await api('GET', '/api/flows/versioned/versions')).body.versions).toHaveLength(2);
  });

  it('refuses a save based on an older version and keeps the latest', async () => {
    await api('POST', '/api/flows', { flow: storyWith(1, 'two-editors') });
    const first = await api('PUT', '/api/flows/two-editors', { flow: storyWith(2, 'two-editors'), baseVersion: 1 });
    expect(first.body.version.version).toBe(2);
    const second = await api('PUT', '/api/flows/two-editors', { flow: storyWith(3, 'two-editors'), baseVersion: 1 });
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({
      code: 'conflict',
      message: 'version 2 of flow "two-editors" was saved since version 1; reload it and save again',
      latestVersion: 2,
    });
    const latest = await api('GET', '/api/flows/two-editors');
    expect(latest.body.flow.latestVersion).toBe(2);
    expect(latest.body.version.flow.nodes[1].config.maxTokens).toBe(2);
  });

  it('renames a flow through its document, unless another flow has the name', async () => {
    await api('POST', '/api/flows', { flow: storyWith(5, 'old-name') });
    await api('POST', '/api/flows', { flow: storyWith(5, 'neighbour') });
    const renamed = await api('PUT', '/api/flows/old-name', { flow: storyWith(5, 'new-name') });
    expect(renamed.body.flow).toMatchObject({ name: 'new-name', latestVersion: 2 });
    expect((await api('GET', '/api/flows/old-name')).status).toBe(404);
    const clash = await api('PUT', '/api/flows/new-name', { flow: storyWith(6, 'neighbour') });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toBe('another flow is already named "neighbour"');
    expect((await api('GET', '/api/flows/new-name')).body.flow.latestVersion).toBe(2);
  });

  it('keeps the latest version when a PUT is refused for its document', async () => {
    await api('POST', '/api/flows', { flow: storyWith(7, 'kept') });
    const broken = { ...storyWith(8, 'kept'), edges: [{ from: 'prompt', to: 'write.prompt' }] };
    const response = await api('PUT', '/api/flows/kept', { flow: broken });
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([
      { path: 'body.flow.edges[0].from', message: 'must be written node.port, e.g. prompt.text' },
    ]);
    const latest = await api('GET', '/api/flows/kept');
    expect(latest.body.flow.latestVersion).toBe(1);
    expect(latest.body.version.flow).toEqual(storyWith(7, 'kept'));
  });
});

describe('deleting flows', () => {
  it('deletes a flow with its versions and labels', async () => {
    const created = await api('POST', '/api/flows', { flow: storyWith(9, 'doomed') });
    await api('PUT', '/api/flows/doomed/labels/production', { version: 1 });
    const deleted = await api('DELETE', `/api/flows/${created.body.flow.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBe('');
    expect((await api('GET', '/api/flows/doomed')).status).toBe(404);
    expect((await api('GET', '/api/flows')).body.flows.map((flow: { name: string }) => flow.name)).not.toContain(
      'doomed',
    );
    expect((await api('DELETE', '/api/flows/doomed')).body.error).toEqual({
      code: 'not-found',
      message: 'flow "doomed" was not found',
    });
  });
});

describe('bad requests', () => {
  it.each([
    ['an unknown body field', 'POST', '/api/flows', { flow: storyWith(1, 'x'), notes: 'typo' }, 400, 'body'],
    ['a missing flow', 'POST', '/api/flows', { note: 'no flow' }, 400, 'body.flow'],
    ['a flow that is not an object', 'POST', '/api/flows', { flow: 'story' }, 400, 'body.flow'],
    ['a note that is not text', 'POST', '/api/flows', { flow: storyWith(1, 'x'), note: 5 }, 400, 'body.note'],
    [
      'a fractional baseVersion',
      'PUT',
      '/api/flows/story-1',
      { flow: storyWith(1, 'x'), baseVersion: 1.5 },
      400,
      'body.baseVersion',
    ],
    ['an unknown query field', 'GET', '/api/flows?sort=name', undefined, 400, 'query'],
    ['an unknown flow', 'GET', '/api/flows/no-such-flow', undefined, 404, undefined],
    ['an unknown flow to update', 'PUT', '/api/flows/no-such-flow', { flow: storyWith(1, 'x') }, 404, undefined],
    ['a malformed escape in the path', 'GET', '/api/flows/story%ZZ', undefined, 400, undefined],
  ])('answers %s with a %i naming it', async (_what, method, path, body, status, field) => {
    const response = await api(method, path, body);
    expect(response.status).toBe(status);
    if (field) expect(response.body.error.issues.map((issue: { path: string }) => issue.path)).toContain(field);
    else expect(response.body.error.message).toEqual(expect.any(String));
  });

  it('answers a body that is not JSON with 415 and stores nothing', async () => {
    const response = await request(server.url, 'POST', '/api/flows', 'flow: x', { 'content-type': 'text/plain' });
    expect(response.status).toBe(415);
    expect(response.body.error.message).toBe('send the body as application/json (got text/plain)');
  });

  it('has logged no server failure for any of them', () => {
    expect(server.stderr()).not.toContain('"level":50');
  });
});
