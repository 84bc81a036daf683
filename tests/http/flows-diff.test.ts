/**
 * Version history, diffs and variant diffs of a flow edited through PUT, against the real server: each edit shows in
 * the diff as exactly what was edited.
 */
import type { Flow } from '@groundwork/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowDiffResponseSchema, variantDiffResponseSchema } from '../../packages/server/src/flows/diff.schemas.js';
import { versionListResponseSchema } from '../../packages/server/src/flows/flows.schemas.js';
import { request, type ServerProcess, startServer } from './server-process.js';

//   question ──▶ ask (prompt) ──▶ write (llm: careful | bold) ──▶ answer
function helpdesk(): Flow {
  return {
    schemaVersion: 1,
    name: 'helpdesk',
    inputs: { question: { type: 'text' } },
    outputs: { answer: { type: 'text' } },
    nodes: [
      { id: 'question', type: 'input', position: { x: 0, y: 0 }, config: { name: 'question' } },
      {
        id: 'ask',
        type: 'prompt',
        position: { x: 280, y: 0 },
        config: { template: 'Answer the question briefly and politely: {{ question }}' },
      },
      {
        id: 'write',
        type: 'llm',
        position: { x: 560, y: 0 },
        config: { maxTokens: 32, temperature: 0.2 },
        variants: [
          { name: 'careful', config: { temperature: 0.1 } },
          { name: 'bold', config: { temperature: 0.9, model: 'other-model' } },
        ],
        defaultVariant: 'careful',
      },
      { id: 'answer', type: 'output', position: { x: 840, y: 0 }, config: { name: 'answer' } },
    ],
    edges: [
      { from: 'question.value', to: 'ask.question' },
      { from: 'ask.prompt', to: 'write.prompt' },
      { from: 'write.text', to: 'answer.value' },
    ],
  } as Flow;
}

/** The versions saved below, each one edit on the one before. */
const EDITS: { note: string; edit: (flow: Flow) => void }[] = [
  {
    note: 'shorter answers',
    edit: (flow) => {
      const ask = flow.nodes.find((node) => node.id === 'ask')!;
      ask.config = { template: 'Answer the question concisely and politely: {{ question }}' };
    },
  },
  {
    note: 'a greeting node',
    edit: (flow) => {
      flow.nodes.push({ id: 'greeting', type: 'prompt', position: { x: 280, y: 200 }, config: { template: 'Hello!' } });
    },
  },
  {
    note: 'warmer',
    edit: (flow) => {
      (flow.nodes.find((node) => node.id === 'write')!.config as { temperature: number }).temperature = 0.7;
    },
  },
  {
    note: 'bold is daring now',
    edit: (flow) => {
      flow.nodes.find((node) => node.id === 'write')!.variants![1]!.name = 'daring';
    },
  },
];

let server: ServerProcess;
const api = (method: string, path: string, body?: unknown) => request(server.url, method, path, body);
/** Each saved version's document, by number. */
const saved = new Map<number, Flow>();

beforeAll(async () => {
  server = await startServer();
  let flow = helpdesk();
  const created = await api('POST', '/api/flows', { flow, note: 'first' });
  expect(created.status).toBe(201);
  saved.set(1, structuredClone(flow));
  for (const [index, { note, edit }] of EDITS.entries()) {
    flow = structuredClone(flow);
    edit(flow);
    const put = await api('PUT', '/api/flows/helpdesk', { flow, note, baseVersion: index + 1 });
    expect(put.status, note).toBe(200);
    expect(put.body.version.version).toBe(index + 2);
    saved.set(index + 2, structuredClone(flow));
  }
});
afterAll(() => server.stop());

const diff = async (query: string) => {
  const response = await api('GET', `/api/flows/helpdesk/diff${query}`);
  expect(response.status, `${query}: ${JSON.stringify(response.body)}`).toBe(200);
  return flowDiffResponseSchema.parse(response.body);
};

describe('GET /api/flows/:flow/diff', () => {
  it('shows a changed template word as a word-level text change of that node, and nothing else', async () => {
    const body = await diff('?from=1&to=2');
    expect(body.from).toMatchObject({ version: 1, note: 'first' });
    expect(body.to).toMatchObject({ version: 2, note: 'shorter answers' });
    expect(body.diff).toMatchObject({ flow: [], inputs: [], outputs: [], edges: [] });
    expect(body.diff.nodes).toHaveLength(1);
    const [node] = body.diff.nodes;
    expect(node).toMatchObject({ change: 'changed', id: 'ask', type: 'prompt', variants: [] });
    expect(node).not.toHaveProperty('moved');
    const fields = node!.change === 'changed' ? node!.fields : [];
    expect(fields).toHaveLength(1);
    const [template] = fields;
    expect(template).toMatchObject({
      kind: 'text',
      path: 'config.template',
      before: 'Answer the question briefly and politely: {{ question }}',
      after: 'Answer the question concisely and politely: {{ question }}',
      diff: { removedWords: 1, addedWords: 1 },
    });
    const rows = template!.kind === 'text' ? template!.diff.hunks.flatMap((hunk) => hunk.rows) : [];
    const changed = (side: 'before' | 'after') =>
      rows.flatMap((row) => row[side]?.segments.filter((segment) => segment.changed).map((s) => s.text) ?? []);
    expect(changed('before')).toEqual(['briefly']);
    expect(changed('after')).toEqual(['concisely']);
    expect(body.summary).toEqual([{ kind: 'changed', node: 'ask', text: 'edited template (1 word removed, 1 added)' }]);
  });

  it('shows an added node with its content, and nothing else', async () => {
    const body = await diff('?from=2&to=3');
    expect(body.diff).toEqual({
      flow: [],
      inputs: [],
      outputs: [],
      nodes: [{ change: 'added', id: 'greeting', type: 'prompt', node: saved.get(3)!.nodes.at(-1) }],
      edges: [],
    });
    expect(body.summary).toEqual([{ kind: 'added', node: 'greeting', text: 'added prompt node "greeting"' }]);
  });

  it('shows a changed temperature as before → after (by default from the version before `to`)', async () => {
    const body = await diff('?to=4');
    expect([body.from.version, body.to.version]).toEqual([3, 4]);
    expect(body.diff.nodes).toEqual([
      {
        change: 'changed',
        id: 'write',
        type: 'llm',
        fields: [{ kind: 'value', path: 'config.temperature', before: 0.2, after: 0.7 }],
        variants: [],
      },
    ]);
    expect(body.summary).toEqual([{ kind: 'changed', node: 'write', text: 'temperature 0.2 → 0.7' }]);
  });

  it('shows a renamed variant as a rename, not a removal and an addition (by default, the latest edit)', async () => {
    const body = await diff('');
    expect([body.from.version, body.to.version]).toEqual([4, 5]);
    expect(body.diff.nodes).toEqual([
      {
        change: 'changed',
        id: 'write',
        type: 'llm',
        fields: [],
        variants: [{ change: 'changed', name: 'daring', renamedFrom: 'bold', fields: [] }],
      },
    ]);
    expect(body.summary).toEqual([
      { kind: 'renamed', node: 'write', variant: 'daring', text: 'renamed variant "bold" to "daring"' },
    ]);
  });

  it('diffs across several versions, by number, label or latest, and version 1 with itself', async () => {
    const all = await diff('?from=1&to=latest');
    expect(all.summary.map((line) => line.text).sort()).toEqual(
      [
        'added prompt node "greeting"',
        'edited template (1 word removed, 1 added)',
        'renamed variant "bold" to "daring"',
        'temperature 0.2 → 0.7',
      ].sort(),
    );
    expect((await api('PUT', '/api/flows/helpdesk/labels/staging', { version: 2 })).status).toBe(200);
    const labelled = await diff('?from=staging&to=3');
    expect([labelled.from.version, labelled.from.labels, labelled.to.version]).toEqual([2, ['staging'], 3]);
    expect(labelled.summary).toEqual((await diff('?from=2&to=3')).summary);
    const first = await diff('?to=1');
    expect([first.from.version, first.to.version]).toEqual([1, 1]);
    expect(first.diff).toEqual({ flow: [], inputs: [], outputs: [], nodes: [], edges: [] });
    expect(first.summary).toEqual([]);
  });

  it('answers a reference that names nothing with a 400 at its query field, saying what exists', async () => {
    const missing = await api('GET', '/api/flows/helpdesk/diff?from=9');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({
      code: 'invalid-request',
      issues: [{ path: 'query.from', message: 'flow "helpdesk" has no version 9 (versions 1 to 5)' }],
    });
    const both = await api('GET', '/api/flows/helpdesk/diff?from=0&to=prod');
    expect(both.status).toBe(400);
    expect(both.body.error.issues).toEqual([
      { path: 'query.from', message: 'flow "helpdesk" has no version 0 (versions 1 to 5)' },
      {
        path: 'query.to',
        message:
          'flow "helpdesk" has no version or label "prod" (give a number from 1 to 5, latest, or a label: staging)',
      },
    ]);
    const unknown = await api('GET', '/api/flows/helpdesk/diff?form=1');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('query: unknown field "form"');
    const noFlow = await api('GET', '/api/flows/nothing-here/diff');
    expect(noFlow.status).toBe(404);
    expect(noFlow.body.error.message).toBe('flow "nothing-here" was not found');
  });
});

describe('GET /api/flows/:flow/versions', () => {
  it('lists each version with what changed from the one before it, newest first', async () => {
    const response = await api('GET', '/api/flows/helpdesk/versions');
    expect(response.status).toBe(200);
    const { versions } = versionListResponseSchema.parse(response.body);
    expect(
      versions.map((version) => [version.version, version.note, version.changes.map((line) => line.text)]),
    ).toEqual([
      [5, 'bold is daring now', ['renamed variant "bold" to "daring"']],
      [4, 'warmer', ['temperature 0.2 → 0.7']],
      [3, 'a greeting node', ['added prompt node "greeting"']],
      [2, 'shorter answers', ['edited template (1 word removed, 1 added)']],
      [1, 'first', []],
    ]);
    // Each version's changes are those its diff with the version before summarises.
    for (const version of versions) {
      expect(version.changes, `version ${version.version}`).toEqual((await diff(`?to=${version.version}`)).summary);
    }
    // A second listing (from the server's cache) says the same.
    expect((await api('GET', '/api/flows/helpdesk/versions')).body).toEqual(response.body);
  });
});

describe('GET /api/flows/:flow/variant-diff', () => {
  const variantDiff = (query: string) => api('GET', `/api/flows/helpdesk/variant-diff${query}`);

  it('shows what the node runs with under each variant: another model and temperature', async () => {
    const response = await variantDiff('?node=write&from=careful&to=daring');
    expect(response.status).toBe(200);
    expect(variantDiffResponseSchema.parse(response.body)).toEqual({
      flowId: expect.stringMatching(/^flw_/),
      version: 5,
      node: 'write',
      from: 'careful',
      to: 'daring',
      fields: [
        { kind: 'value', path: 'config.temperature', before: 0.1, after: 0.9 },
        { kind: 'value', path: 'config.model', after: 'other-model' },
      ],
    });
    const same = await variantDiff('?node=write&from=careful&to=careful');
    expect(same.body.fields).toEqual([]);
  });

  it('compares in the version asked for', async () => {
    const response = await variantDiff('?node=write&from=bold&to=careful&version=1');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ version: 1, from: 'bold', to: 'careful' });
    expect(response.body.fields).toEqual([
      { kind: 'value', path: 'config.temperature', before: 0.9, after: 0.1 },
      { kind: 'value', path: 'config.model', before: 'other-model' },
    ]);
  });

  it.each([
    [
      'an unknown node',
      '?node=writer&from=careful&to=daring',
      [
        {
          path: 'query.node',
          message: 'version 5 of flow "helpdesk" has no node "writer" (nodes with variants: write)',
        },
      ],
    ],
    [
      'a node without variants',
      '?node=ask&from=careful&to=daring',
      [
        {
          path: 'query.node',
          message: 'node "ask" has no variants in version 5 of flow "helpdesk" (nodes with variants: write)',
        },
      ],
    ],
    [
      'variants the node does not have in that version',
      '?node=write&from=bold&to=daring&version=4',
      [{ path: 'query.to', message: 'node "write" has no variant "daring" (variants: careful, bold)' }],
    ],
    [
      'two unknown variants',
      '?node=write&from=a&to=b',
      [
        { path: 'query.from', message: 'node "write" has no variant "a" (variants: careful, daring)' },
        { path: 'query.to', message: 'node "write" has no variant "b" (variants: careful, daring)' },
      ],
    ],
    [
      'an unknown version',
      '?node=write&from=careful&to=daring&version=nightly',
      [
        {
          path: 'query.version',
          message:
            'flow "helpdesk" has no version or label "nightly" (give a number from 1 to 5, latest, or a label: staging)',
        },
      ],
    ],
    ['a missing variant', '?node=write&from=careful', [{ path: 'query.to', message: 'is required (string)' }]],
  ])('answers %s with a 400 naming the field and what exists', async (_what, query, issues) => {
    const response = await variantDiff(query);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid-request');
    expect(response.body.error.issues).toEqual(issues);
  });
});
