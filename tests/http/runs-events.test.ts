import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exampleFlow,
  GOLDEN,
  GOLDEN_TEXT,
  readEvents,
  type SseEvent,
  saveFlow,
  storyFlow,
  waitFor,
} from './runs-helpers.js';
import { request, type ServerProcess, startServer } from './server-process.js';

// biome-ignore lint/suspicious/noExplicitAny: event payloads of every type are read loosely here.
type Data = any;

/** Event ids are the sequence numbers 1..n, each frame's `event:` is its type, and the data agrees. */
function expectWellFormed(events: SseEvent[], from = 1): void {
  expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => from + index));
  for (const event of events) {
    expect((event.data as Data).type).toBe(event.event);
    expect((event.data as Data).seq).toBe(Number(event.id));
  }
}

function tokens(events: SseEvent[]): string {
  return events
    .filter((event) => event.event === 'node-token')
    .map((event) => (event.data as Data).text)
    .join('');
}

describe('run events over SSE', () => {
  let server: ServerProcess;
  const events = (id: string, headers: Record<string, string> = {}, query = '') =>
    readEvents(`${server.url}/api/runs/${id}/events${query}`, { headers });
  beforeAll(async () => {
    server = await startServer();
    await saveFlow(server, exampleFlow('support-triage.flow.yaml'));
    await saveFlow(server, storyFlow('story', 48));
    await saveFlow(server, storyFlow('long', 400));
  });
  afterAll(() => server.stop());

  it("replays a finished run's log, and resumes after Last-Event-ID or ?after= with no gap or duplicate", async () => {
    const { body } = await request(server.url, 'POST', '/api/flows/support-triage/runs', {
      inputs: { message: 'my invoice is wrong' },
    });
    const id = body.run.id;
    const full = await events(id);
    expect(full.status).toBe(200);
    expect(full.contentType).toBe('text/event-stream; charset=utf-8');
    expectWellFormed(full.events);
    expect(full.events[0]!.event).toBe('run-start');
    expect(full.events.at(-1)!.data).toMatchObject({ type: 'run-end', status: 'succeeded', outputs: body.run.outputs });
    expect(full.events.filter((event) => event.event === 'node-skip')).toHaveLength(2);

    const resumed = await events(id, { 'Last-Event-ID': '3' });
    expect(resumed.events).toEqual(full.events.slice(3));
    expect((await events(id, {}, '?after=5')).events).toEqual(full.events.slice(5));
    // The header wins over the query, as EventSource sends it on reconnect.
    expect((await events(id, { 'Last-Event-ID': '7' }, '?after=1')).events).toEqual(full.events.slice(7));
    // Nothing left to send for a finished run: 204 tells EventSource to stop reconnecting.
    expect((await events(id, { 'Last-Event-ID': String(full.events.length) })).status).toBe(204);
  });

  it('refuses a malformed Last-Event-ID (400) and an unknown run (404)', async () => {
    const { body } = await request(server.url, 'POST', '/api/flows/support-triage/runs', {
      inputs: { message: 'hi' },
    });
    const bad = await request(server.url, 'GET', `/api/runs/${body.run.id}/events`, undefined, {
      'Last-Event-ID': 'abc',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('header Last-Event-ID: must be an event id (a whole number from 0), got "abc"');
    expect((await request(server.url, 'GET', '/api/runs/run_nope/events')).status).toBe(404);
  });

  it('streams a stories260K run live: node-token events, then run-end with the golden continuation', async () => {
    const started = await request(server.url, 'POST', '/api/flows/story/runs', {
      inputs: { prompt: GOLDEN.prompt },
      wait: false,
    });
    expect(started.status).toBe(202);
    const live = await events(started.body.run.id);
    expectWellFormed(live.events);
    expect(live.events.filter((event) => event.event === 'node-token').length).toBeGreaterThan(20);
    expect(tokens(live.events)).toBe(GOLDEN_TEXT);
    expect(live.events.at(-1)!.data).toMatchObject({
      type: 'run-end',
      status: 'succeeded',
      outputs: { story: GOLDEN_TEXT },
    });

    const { body } = await request(server.url, 'GET', `/api/runs/${started.body.run.id}`);
    expect(body.run.outputs).toEqual({ story: GOLDEN_TEXT });
    expect(body.run.nodes.find((node: Data) => node.nodeId === 'write')).toMatchObject({
      status: 'succeeded',
      nodeType: 'llm',
      inputs: { prompt: GOLDEN.prompt },
      outputs: { text: GOLDEN_TEXT },
      inputTokens: 5,
      outputTokens: 48,
    });
    // The log on disk is what the live client saw, event for event.
    expect((await events(started.body.run.id)).events).toEqual(live.events);
  });

  it('resumes a live stream after a disconnect mid-run with no gap or duplicate', async () => {
    const started = await request(server.url, 'POST', '/api/flows/long/runs', {
      inputs: { prompt: GOLDEN.prompt },
      wait: false,
    });
    const id = started.body.run.id;
    let seenTokens = 0;
    const first = await readEvents(`${server.url}/api/runs/${id}/events`, {
      stopWhen: (event) => event.event === 'node-token' && ++seenTokens === 5,
    });
    const lastId = first.events.at(-1)!.id!;
    const rest = await events(id, { 'Last-Event-ID': lastId });
    const joined = [...first.events, ...rest.events];
    expectWellFormed(joined);
    expect(joined.at(-1)!.data).toMatchObject({ type: 'run-end', status: 'succeeded' });
    expect(tokens(joined)).toBe((joined.at(-1)!.data as Data).outputs.story);
    expect(tokens(joined).startsWith(GOLDEN_TEXT)).toBe(true);
    expect((await events(id)).events).toEqual(joined);
  });

  it('cancels a long run: 202 with the run cancelled, its stream ends with run-end, a second cancel is 409', async () => {
    const started = await request(server.url, 'POST', '/api/flows/long/runs', {
      inputs: { prompt: GOLDEN.prompt },
      wait: false,
    });
    const id = started.body.run.id;
    let statusWhileStreaming: string | undefined;
    let cancelled: Data;
    const stream = await readEvents(`${server.url}/api/runs/${id}/events`, {
      onEvent: async (event) => {
        if (event.event !== 'node-token' || cancelled) return;
        statusWhileStreaming = (await request(server.url, 'GET', `/api/runs/${id}`)).body.run.status;
        cancelled = await request(server.url, 'POST', `/api/runs/${id}/cancel`);
      },
    });
    expect(statusWhileStreaming).toBe('running');
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.run).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled', message: 'the run was cancelled' },
      endedAt: expect.any(String),
    });
    expect(cancelled.body.run.nodes.find((node: Data) => node.nodeId === 'write')).toMatchObject({
      status: 'cancelled',
      error: { code: 'cancelled' },
    });
    expectWellFormed(stream.events);
    expect(stream.events.at(-2)!.data).toMatchObject({
      type: 'node-error',
      nodeId: 'write',
      error: { code: 'cancelled' },
    });
    expect(stream.events.at(-1)!.data).toMatchObject({ type: 'run-end', status: 'cancelled' });
    // Generation stopped well before its 400 tokens.
    expect(stream.events.filter((event) => event.event === 'node-token').length).toBeLessThan(300);

    const again = await request(server.url, 'POST', `/api/runs/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('run-cancelled');
  });

  it('lets an API run finish when the client waiting for it goes away', async () => {
    const abort = new AbortController();
    const waiting = fetch(`${server.url}/api/flows/long/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { prompt: 'The client left' } }),
      signal: abort.signal,
    }).catch(() => undefined);
    const run = await waitFor(async () => {
      const { body } = await request(server.url, 'GET', '/api/runs?flow=long&limit=1');
      return body.runs[0]?.inputs.prompt === 'The client left' ? body.runs[0] : undefined;
    });
    abort.abort();
    await waiting;
    const ended = await waitFor(async () => {
      const { body } = await request(server.url, 'GET', `/api/runs/${run.id}`);
      return body.run.status === 'running' ? undefined : body.run;
    });
    expect(ended.status).toBe('succeeded');
    expect(ended.nodes.find((node: Data) => node.nodeId === 'write').outputTokens).toBe(400);
  });
});
