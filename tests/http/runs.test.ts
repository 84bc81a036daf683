import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleFlow, saveFlow, saveVersion, setLabel, storyFlow, waitFor } from './runs-helpers.js';
import { request, type ServerProcess, startServer } from './server-process.js';

const BILLING = 'I was charged twice on my last invoice';

function countRuns(server: ServerProcess): number {
  const db = new Database(server.db, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('runs over HTTP', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
    await saveFlow(server, exampleFlow('support-triage.flow.yaml'));
  });
  afterAll(() => server.stop());

  it('runs support-triage and answers with the run when it ends, node by node', async () => {
    const { status, body } = await request(server.url, 'POST', '/api/flows/support-triage/runs', {
      inputs: { message: BILLING },
    });
    expect(status).toBe(200);
    const { run } = body;
    expect(run).toMatchObject({
      id: expect.stringMatching(/^run_/),
      flowName: 'support-triage',
      flowVersion: 1,
      status: 'succeeded',
      source: 'api',
      inputs: { message: BILLING, customer: 'there' },
      variants: { billing_reply: 'formal' },
      outputs: {
        category: 'billing',
        reply: `Dear there, we have opened a billing case about your message: "${BILLING}". Our billing team replies within two business days.`,
      },
      error: null,
      endedAt: expect.any(String),
      durationMs: expect.any(Number),
    });
    const nodes = Object.fromEntries(run.nodes.map((node: { nodeId: string }) => [node.nodeId, node]));
    expect(Object.keys(nodes).sort()).toEqual(
      [
        'billing_reply',
        'bug_reply',
        'category_out',
        'classify',
        'customer',
        'general_reply',
        'message',
        'reply',
        'reply_out',
        'route',
      ].sort(),
    );
    expect(nodes.classify).toMatchObject({
      scope: '',
      nodeType: 'transform',
      status: 'succeeded',
      attempts: 1,
      inputs: { message: BILLING },
      outputs: { value: 'billing' },
      durationMs: expect.any(Number),
    });
    expect(nodes.billing_reply).toMatchObject({ status: 'succeeded', variant: 'formal', nodeType: 'prompt' });
    for (const skipped of ['bug_reply', 'general_reply']) {
      expect(nodes[skipped]).toMatchObject({
        status: 'skipped',
        attempts: 0,
        skipReason: expect.stringContaining('route.'),
        outputs: null,
      });
    }
    expect(nodes.reply).toMatchObject({ status: 'succeeded', nodeType: 'merge' });
  });

  it('runs the variant asked for and records it', async () => {
    const { body } = await request(server.url, 'POST', '/api/flows/support-triage/runs', {
      inputs: { message: 'refund please', customer: 'Ada' },
      variants: { billing_reply: 'friendly' },
    });
    expect(body.run.variants).toEqual({ billing_reply: 'friendly' });
    expect(body.run.outputs.reply).toBe('Hi Ada! Sorry about the billing trouble. We are on it: "refund please"');
    expect(body.run.nodes.find((node: { nodeId: string }) => node.nodeId === 'billing_reply').variant).toBe('friendly');
  });

  it('starts a run with wait: false (202 and Location) that GET follows until it is done', async () => {
    const started = await request(server.url, 'POST', '/api/flows/support-triage/runs', {
      inputs: { message: 'the app shows an error' },
      wait: false,
    });
    expect(started.status).toBe(202);
    const id = started.body.run.id;
    expect(started.headers.get('location')).toBe(`/api/runs/${id}`);
    expect(started.body.run.status).toBe('running');
    const done = await waitFor(async () => {
      const { body } = await request(server.url, 'GET', `/api/runs/${id}`);
      return body.run.status === 'running' ? undefined : body.run;
    });
    expect(done).toMatchObject({ status: 'succeeded', outputs: { category: 'bug' } });
    expect(done.nodes.find((node: { nodeId: string }) => node.nodeId === 'bug_reply').status).toBe('succeeded');
  });

  it('refuses bad inputs and variants with 422 naming each field, and writes nothing', async () => {
    const before = countRuns(server);
    const { status, body } = await request(server.url, 'POST', '/api/flows/support-triage/runs', {
      inputs: { customer: 7, extra: 'x' },
      variants: { billing_reply: 'casual', route: 'a' },
    });
    expect(status).toBe(422);
    expect(body.error.code).toBe('invalid-inputs');
    expect(body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'inputs.customer',
      'inputs.extra',
      'inputs.message',
      'variants.billing_reply',
      'variants.route',
    ]);
    expect(body.error.issues.find((issue: { path: string }) => issue.path === 'inputs.message').message).toBe(
      'is required (text)',
    );
    expect(countRuns(server)).toBe(before);
  });

  it('answers 400 for a malformed body and 404 for an unknown flow or version', async () => {
    const malformed = await request(server.url, 'POST', '/api/flows/support-triage/runs', { wait: 'yes' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.issues[0].path).toBe('body.wait');
    const unknownField = await request(server.url, 'POST', '/api/flows/support-triage/runs', { input: {} });
    expect(unknownField.body.error).toMatchObject({ code: 'invalid-request', message: 'body: unknown field "input"' });
    expect((await request(server.url, 'POST', '/api/flows/nope/runs', {})).body.error).toEqual({
      code: 'not-found',
      message: 'flow "nope" was not found',
    });
    const version = await request(server.url, 'POST', '/api/flows/support-triage/runs', { version: 9 });
    expect(version.status).toBe(404);
    expect(version.body.error.message).toBe('version 9 of flow "support-triage" (latest: 1) was not found');
  });

  it('runs the version asked for by number or label, else the latest', async () => {
    const flow = storyFlow('versions');
    flow.nodes = [
      { id: 'prompt', type: 'input', position: { x: 0, y: 0 }, config: { name: 'prompt' } },
      { id: 'write', type: 'prompt', position: { x: 1, y: 0 }, config: { template: 'one: {{ prompt }}' } },
      { id: 'story', type: 'output', position: { x: 2, y: 0 }, config: { name: 'story' } },
    ];
    flow.edges = [
      { from: 'prompt.value', to: 'write.prompt' },
      { from: 'write.prompt', to: 'story.value' },
    ];
    await saveFlow(server, flow);
    const second = structuredClone(flow);
    (second.nodes[1]!.config as { template: string }).template = 'two: {{ prompt }}';
    await saveVersion(server, second);
    await setLabel(server, 'versions', 'staging', 1);
    const run = async (extra: object) =>
      (await request(server.url, 'POST', '/api/flows/versions/runs', { inputs: { prompt: 'p' }, ...extra })).body;
    expect((await run({})).run).toMatchObject({ flowVersion: 2, outputs: { story: 'two: p' } });
    expect((await run({ version: 1 })).run).toMatchObject({ flowVersion: 1, outputs: { story: 'one: p' } });
    expect((await run({ label: 'staging' })).run).toMatchObject({ flowVersion: 1, outputs: { story: 'one: p' } });
    expect((await run({ label: 'prod' })).error.message).toBe(
      'label "prod" of flow "versions" (labels: staging) was not found',
    );
    expect((await run({ label: 'staging', version: 2 })).error.code).toBe('invalid-request');
  });

  it('answers 200 with status failed and the error when a node fails (the request itself was fine)', async () => {
    const flow = storyFlow('missing-model');
    (flow.nodes[1]!.config as Record<string, unknown>).model = 'no-such-model';
    await saveFlow(server, flow);
    const { status, body } = await request(server.url, 'POST', '/api/flows/missing-model/runs', {
      inputs: { prompt: 'Once upon a time' },
    });
    expect(status).toBe(200);
    expect(body.run).toMatchObject({ status: 'failed', error: { nodeId: 'write', code: expect.any(String) } });
    expect(body.run.nodes.find((node: { nodeId: string }) => node.nodeId === 'write')).toMatchObject({
      status: 'failed',
      error: { code: body.run.error.code },
    });
  });

  it('answers 422 invalid-flow, writing nothing, for a stored version that does not validate', async () => {
    const broken = storyFlow('broken');
    broken.edges!.push({ from: 'ghost.value', to: 'story.value' });
    await saveFlow(server, broken);
    const before = countRuns(server);
    const { status, body } = await request(server.url, 'POST', '/api/flows/broken/runs', {
      inputs: { prompt: 'x' },
    });
    expect(status).toBe(422);
    expect(body.error.code).toBe('invalid-flow');
    expect(body.error.problems.length).toBeGreaterThan(0);
    expect(body.error.message).toContain('ghost');
    expect(countRuns(server)).toBe(before);
  });

  it('lists runs newest first, filtered by flow and status, in pages', async () => {
    await saveFlow(server, pagedFlow());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { body } = await request(server.url, 'POST', '/api/flows/paged/runs', { inputs: { n: i } });
      ids.push(body.run.id);
    }
    const newest = [...ids].reverse();
    const first = await request(server.url, 'GET', '/api/runs?flow=paged&limit=2');
    expect(first.body.runs.map((run: { id: string }) => run.id)).toEqual(newest.slice(0, 2));
    expect(first.body.next).toBe(newest[1]);
    const second = await request(server.url, 'GET', `/api/runs?flow=paged&limit=2&before=${first.body.next}`);
    expect(second.body.runs.map((run: { id: string }) => run.id)).toEqual(newest.slice(2, 4));
    const last = await request(server.url, 'GET', `/api/runs?flow=paged&limit=2&before=${second.body.next}`);
    expect(last.body).toEqual({ runs: [expect.objectContaining({ id: newest[4], flowName: 'paged' })], next: null });
    const byFlow = await request(server.url, 'GET', '/api/flows/paged/runs?status=succeeded');
    expect(byFlow.body.runs.map((run: { id: string }) => run.id)).toEqual(newest);
    expect((await request(server.url, 'GET', '/api/runs?flow=paged&status=failed')).body.runs).toEqual([]);
    const all = await request(server.url, 'GET', '/api/runs');
    expect(all.body.runs[0].id).toBe(newest[0]);
    expect((await request(server.url, 'GET', '/api/runs?limit=0')).status).toBe(400);
    expect((await request(server.url, 'GET', '/api/runs?stauts=failed')).body.error.message).toBe(
      'query: unknown field "stauts"',
    );
    expect((await request(server.url, 'GET', '/api/runs?flow=nope')).status).toBe(404);
  });

  it('answers 404 for an unknown run and 409 when cancelling a run that has ended', async () => {
    expect((await request(server.url, 'GET', '/api/runs/run_nope')).status).toBe(404);
    expect((await request(server.url, 'POST', '/api/runs/run_nope/cancel')).status).toBe(404);
    const { body } = await request(server.url, 'POST', '/api/flows/support-triage/runs', {
      inputs: { message: 'hello' },
    });
    const cancel = await request(server.url, 'POST', `/api/runs/${body.run.id}/cancel`);
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toEqual({
      code: 'conflict',
      message: `run "${body.run.id}" has already ended (succeeded); only a running run can be cancelled`,
    });
  });
});

/** n → transform → out: a flow that runs in a few milliseconds. */
function pagedFlow() {
  const flow = storyFlow('paged');
  flow.inputs = { n: { type: 'number' } };
  flow.outputs = { doubled: { type: 'number' } };
  flow.nodes = [
    { id: 'n', type: 'input', position: { x: 0, y: 0 }, config: { name: 'n' } },
    { id: 'double', type: 'transform', position: { x: 1, y: 0 }, config: { expression: 'n * 2', type: 'number' } },
    { id: 'out', type: 'output', position: { x: 2, y: 0 }, config: { name: 'doubled' } },
  ];
  flow.edges = [
    { from: 'n.value', to: 'double.n' },
    { from: 'double.value', to: 'out.value' },
  ];
  return flow;
}
