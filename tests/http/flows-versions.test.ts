/** Versions and labels of a stored flow, against the real server. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Flow, loadFlowYaml } from '@groundwork/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, request, type ServerProcess, startServer } from './server-process.js';

/** support-triage with the friendly variant as the default, or the formal one: two real prompt variants. */
function triage(defaultVariant: 'formal' | 'friendly'): Flow {
  const loaded = loadFlowYaml(readFileSync(join(ROOT, 'examples', 'support-triage.flow.yaml'), 'utf8'));
  if (!loaded.ok) throw new Error('examples/support-triage.flow.yaml does not load');
  const billing = loaded.flow.nodes.find((node) => node.id === 'billing_reply')!;
  billing.defaultVariant = defaultVariant;
  return loaded.flow;
}

let server: ServerProcess;
const api = (method: string, path: string, body?: unknown) => request(server.url, method, path, body);

beforeAll(async () => {
  server = await startServer();
  // Versions 1 (formal), 2 (friendly), 3 (formal again: equal content to 1, a new version all the same).
  await api('POST', '/api/flows', { flow: triage('formal'), note: 'formal replies' });
  await api('PUT', '/api/flows/support-triage', { flow: triage('friendly'), note: 'friendlier' });
  await api('PUT', '/api/flows/support-triage', { flow: triage('formal'), note: 'back to formal' });
});
afterAll(() => server.stop());

describe('versions', () => {
  it('lists versions newest first with their notes and hashes', async () => {
    const response = await api('GET', '/api/flows/support-triage/versions');
    expect(response.status).toBe(200);
    const versions = response.body.versions as { version: number; note: string; contentHash: string }[];
    expect(versions.map((version) => [version.version, version.note])).toEqual([
      [3, 'back to formal'],
      [2, 'friendlier'],
      [1, 'formal replies'],
    ]);
    expect(versions[0]!.contentHash).toBe(versions[2]!.contentHash);
    expect(versions[1]!.contentHash).not.toBe(versions[2]!.contentHash);
  });

  it('gets one version with its document', async () => {
    const response = await api('GET', '/api/flows/support-triage/versions/2');
    expect(response.status).toBe(200);
    expect(response.body.version).toMatchObject({ version: 2, note: 'friendlier', flow: triage('friendly') });
  });

  it('names the flow and version it cannot find, and refuses a version that is not a number', async () => {
    const missing = await api('GET', '/api/flows/support-triage/versions/9');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('flow "support-triage" has no version 9 (the latest is 3)');
    const noFlow = await api('GET', '/api/flows/nothing-here/versions/1');
    expect(noFlow.status).toBe(404);
    expect(noFlow.body.error.message).toBe('flow "nothing-here" was not found');
    for (const version of ['latest', '1.5', '0', '-1']) {
      const invalid = await api('GET', `/api/flows/support-triage/versions/${version}`);
      expect(invalid.status, version).toBe(400);
      expect(invalid.body.error.issues).toEqual([
        { path: 'params.version', message: 'must be a version number: a whole number from 1' },
      ]);
    }
  });
});

describe('labels', () => {
  it('sets a label, moves it, lists labels and shows them on versions', async () => {
    const set = await api('PUT', '/api/flows/support-triage/labels/production', { version: 1 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ label: 'production', version: 1, labels: { production: 1 } });
    await api('PUT', '/api/flows/support-triage/labels/staging', { version: 2 });
    const moved = await api('PUT', '/api/flows/support-triage/labels/production', { version: 2 });
    expect(moved.body.labels).toEqual({ production: 2, staging: 2 });
    expect((await api('GET', '/api/flows/support-triage/labels')).body).toEqual({
      labels: { production: 2, staging: 2 },
    });
    const versions = (await api('GET', '/api/flows/support-triage/versions')).body.versions;
    expect(versions.map((version: { labels: string[] }) => version.labels)).toEqual([
      [],
      ['production', 'staging'],
      [],
    ]);
    expect((await api('GET', '/api/flows/support-triage')).body.flow.labels).toEqual({ production: 2, staging: 2 });
  });

  it('refuses a label for a version that does not exist and keeps the labels as they were', async () => {
    await api('PUT', '/api/flows/support-triage/labels/canary', { version: 3 });
    const response = await api('PUT', '/api/flows/support-triage/labels/canary', { version: 7 });
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([
      { path: 'body.version', message: 'flow "support-triage" has no version 7 (the latest is 3)' },
    ]);
    expect((await api('GET', '/api/flows/support-triage/labels')).body.labels.canary).toBe(3);
  });

  it.each([
    ['an upper-case label', '/labels/Production', { version: 1 }, 'params.label'],
    ['a label of 65 characters', `/labels/${'a'.repeat(65)}`, { version: 1 }, 'params.label'],
    ['a version that is text', '/labels/production', { version: '1' }, 'body.version'],
    ['a missing version', '/labels/production', {}, 'body.version'],
    ['an unknown field', '/labels/production', { version: 1, force: true }, 'body'],
  ])('answers %s with a 400 naming it', async (_what, path, body, field) => {
    const response = await api('PUT', `/api/flows/support-triage${path}`, body);
    expect(response.status).toBe(400);
    expect(response.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual([field]);
  });

  it('deletes a label, and answers 404 for one that is not there', async () => {
    await api('PUT', '/api/flows/support-triage/labels/old', { version: 1 });
    const deleted = await api('DELETE', '/api/flows/support-triage/labels/old');
    expect(deleted.status).toBe(204);
    expect((await api('GET', '/api/flows/support-triage/labels')).body.labels).not.toHaveProperty('old');
    const again = await api('DELETE', '/api/flows/support-triage/labels/old');
    expect(again.status).toBe(404);
    expect(again.body.error.message).toBe('label "old" of flow "support-triage" was not found');
    expect((await api('DELETE', '/api/flows/nothing-here/labels/old')).status).toBe(404);
  });
});
