import type { Flow } from '@groundwork/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GOLDEN,
  GOLDEN_TEXT,
  readEvents,
  saveFlow,
  saveVersion,
  setLabel,
  storyFlow,
  waitFor,
} from './runs-helpers.js';
import { request, type ServerProcess, startServer } from './server-process.js';

// biome-ignore lint/suspicious/noExplicitAny: event payloads of every type are read loosely here.
type Data = any;

/** name → prompt → greeting; the template says which version ran. */
function greeterFlow(template: string): Flow {
  return {
    schemaVersion: 1,
    name: 'greeter',
    inputs: { name: { type: 'text' } },
    outputs: { greeting: { type: 'text' } },
    nodes: [
      { id: 'name', type: 'input', position: { x: 0, y: 0 }, config: { name: 'name' } },
      { id: 'greet', type: 'prompt', position: { x: 1, y: 0 }, config: { template } },
      { id: 'greeting', type: 'output', position: { x: 2, y: 0 }, config: { name: 'greeting' } },
    ],
    edges: [
      { from: 'name.value', to: 'greet.name' },
      { from: 'greet.prompt', to: 'greeting.value' },
    ],
  } as Flow;
}

describe('published flows', () => {
  let server: ServerProcess;
  const call = (name: string, body: unknown) => request(server.url, 'POST', `/api/v1/flows/${name}/run`, body);
  beforeAll(async () => {
    server = await startServer();
    await saveFlow(server, greeterFlow('Hello {{ name }} from v1'));
    await saveVersion(server, greeterFlow('Hello {{ name }} from v2'));
    await saveFlow(server, storyFlow('story', 48));
    await saveFlow(server, storyFlow('long', 400));
    const failing = storyFlow('failing');
    (failing.nodes[1]!.config as Record<string, unknown>).model = 'no-such-model';
    await saveFlow(server, failing);
  });
  afterAll(() => server.stop());

  it('serves the latest version without a production label, then the labelled one (200, snake_case)', async () => {
    const latest = await call('greeter', { inputs: { name: 'Ada' } });
    expect(latest.status).toBe(200);
    expect(latest.body).toEqual({
      outputs: { greeting: 'Hello Ada from v2' },
      run_id: expect.stringMatching(/^run_/),
      status: 'succeeded',
    });
    await setLabel(server, 'greeter', 'production', 1);
    const production = await call('greeter', { inputs: { name: 'Ada' } });
    expect(production.body.outputs).toEqual({ greeting: 'Hello Ada from v1' });
    const { body } = await request(server.url, 'GET', `/api/runs/${production.body.run_id}`);
    expect(body.run).toMatchObject({ source: 'published', flowVersion: 1, status: 'succeeded' });
  });

  it('refuses bad inputs (422 invalid-inputs), bad bodies (400) and unknown flows (404)', async () => {
    const invalid = await call('greeter', { inputs: { nome: 'Ada' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.code).toBe('invalid-inputs');
    expect(invalid.body.error.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'inputs.name',
      'inputs.nome',
    ]);
    expect((await call('greeter', { inputs: { name: 'x' }, version: 1 })).status).toBe(400);
    expect((await call('nope', {})).status).toBe(404);
  });

  it('answers 422 run-failed naming the node, with the run id of the failed run', async () => {
    const { status, body } = await call('failing', { inputs: { prompt: 'x' } });
    expect(status).toBe(422);
    expect(body.error).toMatchObject({
      code: 'run-failed',
      message: expect.stringContaining('no-such-model'),
      node: 'write',
      run_id: expect.stringMatching(/^run_/),
      reason: expect.any(String),
    });
    const run = await request(server.url, 'GET', `/api/runs/${body.error.run_id}`);
    expect(run.body.run).toMatchObject({ status: 'failed', source: 'published', error: { nodeId: 'write' } });
  });

  it('streams the run as SSE with stream: true, ending with run-end', async () => {
    const stream = await readEvents(`${server.url}/api/v1/flows/story/run`, {
      method: 'POST',
      body: { inputs: { prompt: GOLDEN.prompt }, stream: true },
    });
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
    expect(stream.events.map((event) => Number(event.id))).toEqual(stream.events.map((_, index) => index + 1));
    expect(stream.events[0]!.event).toBe('run-start');
    const text = stream.events
      .filter((event) => event.event === 'node-token')
      .map((event) => (event.data as Data).text)
      .join('');
    expect(text).toBe(GOLDEN_TEXT);
    expect(stream.events.at(-1)!.data).toMatchObject({
      type: 'run-end',
      status: 'succeeded',
      outputs: { story: GOLDEN_TEXT },
    });
  });

  it('runs 30 concurrent calls, each with the golden text', async () => {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => call('story', { inputs: { prompt: GOLDEN.prompt } })),
    );
    const elapsed = performance.now() - started;
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.body.outputs).toEqual({ story: GOLDEN_TEXT });
    }
    expect(new Set(results.map((result) => result.body.run_id)).size).toBe(30);
    // Batched, 30 calls take a few times one call, not 30 times.
    expect(elapsed).toBeLessThan(15_000);
  });

  it('cancels a call whose client goes away before the end', async () => {
    let runId: string | undefined;
    const partial = await readEvents(`${server.url}/api/v1/flows/long/run`, {
      method: 'POST',
      body: { inputs: { prompt: GOLDEN.prompt }, stream: true },
      stopWhen: (event) => {
        runId ??= (event.data as Data).runId;
        return event.event === 'node-token';
      },
    });
    expect(partial.events.at(-1)!.event).toBe('node-token');
    const run = await waitFor(async () => {
      const { body } = await request(server.url, 'GET', `/api/runs/${runId}`);
      return body.run.status === 'running' ? undefined : body.run;
    });
    expect(run).toMatchObject({ status: 'cancelled', source: 'published' });
    expect(run.nodes.find((node: Data) => node.nodeId === 'write').status).toBe('cancelled');
  });

  it('cancels a JSON call whose client goes away before the end', async () => {
    const abort = new AbortController();
    const pending = fetch(`${server.url}/api/v1/flows/long/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { prompt: 'The long call' } }),
      signal: abort.signal,
    }).catch(() => undefined);
    const run = await waitFor(async () => {
      const { body } = await request(server.url, 'GET', '/api/runs?flow=long&limit=1');
      const latest = body.runs[0];
      return latest?.inputs.prompt === 'The long call' ? latest : undefined;
    });
    abort.abort();
    await pending;
    const ended = await waitFor(async () => {
      const { body } = await request(server.url, 'GET', `/api/runs/${run.id}`);
      return body.run.status === 'running' ? undefined : body.run;
    });
    expect(ended.status).toBe('cancelled');
  });
});
