/** Restoring versions, and which version a flow publishes, against the real server. */
import type { Flow } from '@groundwork/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type ServerProcess, startServer } from './server-process.js';

//   topic ──▶ say (prompt) ──▶ text
function faq(template: string, name = 'faq'): Flow {
  return {
    schemaVersion: 1,
    name,
    inputs: { topic: { type: 'text' } },
    outputs: { text: { type: 'text' } },
    nodes: [
      { id: 'topic', type: 'input', position: { x: 0, y: 0 }, config: { name: 'topic' } },
      { id: 'say', type: 'prompt', position: { x: 280, y: 0 }, config: { template } },
      { id: 'text', type: 'output', position: { x: 560, y: 0 }, config: { name: 'text' } },
    ],
    edges: [
      { from: 'topic.value', to: 'say.topic' },
      { from: 'say.prompt', to: 'text.value' },
    ],
  } as Flow;
}

const TEMPLATES = ['One: {{ topic }}', 'Two: {{ topic }}', 'Three: {{ topic }}'];

let server: ServerProcess;
let flowId: string;
const api = (method: string, path: string, body?: unknown) => request(server.url, method, path, body);
const versionOf = async (version: number) =>
  (await api('GET', `/api/flows/${flowId}/versions/${version}`)).body.version;
const published = async () => {
  const detail = await api('GET', `/api/flows/${flowId}`);
  const history = await api('GET', `/api/flows/${flowId}/versions`);
  expect(history.body.published).toEqual(detail.body.published);
  return detail.body.published;
};
/** What the published endpoint serves now: the template's first word says which version ran. */
const served = async () => {
  const response = await api('POST', '/api/v1/flows/faq/run', { inputs: { topic: 'refunds' } });
  expect(response.status).toBe(200);
  return response.body.outputs.text;
};

beforeAll(async () => {
  server = await startServer();
  const created = await api('POST', '/api/flows', { flow: faq(TEMPLATES[0]!), note: 'one' });
  flowId = created.body.flow.id;
  for (const template of TEMPLATES.slice(1)) {
    expect((await api('PUT', '/api/flows/faq', { flow: faq(template) })).status).toBe(200);
  }
});
afterAll(() => server.stop());

describe('published', () => {
  it('is the latest version without a production label, else the labelled one: what the endpoint serves', async () => {
    expect(await published()).toEqual({ version: 3, label: null });
    expect(await served()).toBe('Three: refunds');
    expect((await api('PUT', '/api/flows/faq/labels/production', { version: 2 })).status).toBe(200);
    expect(await published()).toEqual({ version: 2, label: 'production' });
    expect(await served()).toBe('Two: refunds');
    const versions = (await api('GET', '/api/flows/faq/versions')).body.versions;
    expect(versions.map((version: { version: number; labels: string[] }) => [version.version, version.labels])).toEqual(
      [
        [3, []],
        [2, ['production']],
        [1, []],
      ],
    );
    // Another label is not published.
    expect((await api('PUT', '/api/flows/faq/labels/staging', { version: 1 })).status).toBe(200);
    expect(await published()).toEqual({ version: 2, label: 'production' });
    expect((await api('DELETE', '/api/flows/faq/labels/production')).status).toBe(204);
    expect(await published()).toEqual({ version: 3, label: null });
    expect(await served()).toBe('Three: refunds');
  });
});

describe('POST /api/flows/:flow/versions/:version/restore', () => {
  it("saves the old version's content as a new version with an equal content hash", async () => {
    const old = await versionOf(1);
    const restored = await api('POST', `/api/flows/${flowId}/versions/1/restore`);
    expect(restored.status).toBe(201);
    expect(restored.body).toMatchObject({
      unchanged: false,
      problems: [],
      flow: { id: flowId, latestVersion: 4 },
      version: { version: 4, note: 'restored version 1', contentHash: old.contentHash, flow: old.flow },
    });
    expect(restored.body.version.contentHash).not.toBe((await versionOf(3)).contentHash);
    const diff = await api('GET', `/api/flows/${flowId}/diff?from=1&to=4`);
    expect(diff.body.summary).toEqual([]);
    const history = (await api('GET', `/api/flows/${flowId}/versions`)).body.versions;
    expect(history[0]).toMatchObject({
      version: 4,
      changes: [{ kind: 'changed', node: 'say', text: 'edited template (1 word removed, 1 added)' }],
    });
    expect(await served()).toBe('One: refunds');
  });

  it('writes nothing when the latest version already has that content (200, unchanged)', async () => {
    for (const version of [4, 1]) {
      const again = await api('POST', `/api/flows/${flowId}/versions/${version}/restore`, {});
      expect(again.status, `version ${version}`).toBe(200);
      expect(again.body).toMatchObject({ unchanged: true, version: { version: 4 }, flow: { latestVersion: 4 } });
    }
    expect((await api('GET', `/api/flows/${flowId}/versions`)).body.versions).toHaveLength(4);
  });

  it('takes a note', async () => {
    const restored = await api('POST', `/api/flows/${flowId}/versions/2/restore`, { note: 'back to two' });
    expect(restored.status).toBe(201);
    expect(restored.body.version).toMatchObject({ version: 5, note: 'back to two' });
    expect(restored.body.version.contentHash).toBe((await versionOf(2)).contentHash);
  });

  it('refuses a version whose name another flow has taken since (409), writing nothing', async () => {
    const renamed = await api('PUT', `/api/flows/${flowId}`, { flow: faq(TEMPLATES[2]!, 'faq-renamed') });
    expect(renamed.body.version.version).toBe(6);
    expect((await api('POST', '/api/flows', { flow: faq('Other: {{ topic }}') })).status).toBe(201);
    const clash = await api('POST', `/api/flows/faq-renamed/versions/1/restore`);
    expect(clash.status).toBe(409);
    expect(clash.body.error).toEqual({
      code: 'conflict',
      message:
        'version 1 of flow "faq-renamed" is named "faq", and another flow has that name now; rename that flow first',
      issues: [
        {
          path: 'params.version',
          message:
            'version 1 of flow "faq-renamed" is named "faq", and another flow has that name now; rename that flow first',
        },
      ],
    });
    expect((await api('GET', `/api/flows/${flowId}`)).body.flow).toMatchObject({
      name: 'faq-renamed',
      latestVersion: 6,
    });
    // A version with the flow's current name restores.
    expect((await api('POST', `/api/flows/faq-renamed/versions/6/restore`)).body.unchanged).toBe(true);
  });

  it.each([
    [
      'an unknown version',
      `/versions/9/restore`,
      undefined,
      404,
      'flow "faq-renamed" has no version 9 (the latest is 6)',
    ],
    ['a version that is not a number', `/versions/latest/restore`, undefined, 400, 'params.version'],
    ['an unknown field', `/versions/1/restore`, { notes: 'x' }, 400, 'body: unknown field "notes"'],
    ['a note that is not text', `/versions/1/restore`, { note: 3 }, 400, 'body.note'],
  ])('answers %s with a %s naming it', async (_what, path, body, status, says) => {
    const response = await api('POST', `/api/flows/${flowId}${path}`, body);
    expect(response.status).toBe(status);
    expect(response.body.error.message).toContain(says);
    expect((await api('GET', `/api/flows/${flowId}`)).body.flow.latestVersion).toBe(6);
  });

  it('answers 404 for an unknown flow', async () => {
    const response = await api('POST', '/api/flows/nothing-here/versions/1/restore');
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe('flow "nothing-here" was not found');
  });
});
