import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { LiveRun } from './live-run.js';
import { type EventSource, formatEvent, resumeAfter, streamEvents } from './run-stream.js';
import type { StoredEvent } from './runs.repository.js';

const event = (seq: number, type = 'node-token'): StoredEvent => ({ seq, type, data: JSON.stringify({ seq, type }) });

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** Serves one source at /events and answers with what a client reads: frames by id, and comment lines. */
async function serve(source: () => EventSource, options: { heartbeatMs?: number; onClientGone?: () => void } = {}) {
  const app = express();
  app.get('/events', (request, response) => {
    const after = resumeAfter(request);
    streamEvents(request, response, source(), { after, ...options });
  });
  app.use(((error, _request, response, _next) => {
    response.status(error.status ?? 500).json({ message: error.message });
  }) as express.ErrorRequestHandler);
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  servers.push(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  return async (headers: Record<string, string> = {}, query = '', stopAfter?: number) => {
    const abort = new AbortController();
    const response = await fetch(url + query, { headers, signal: abort.signal });
    let text = '';
    const ids: number[] = [];
    try {
      for await (const chunk of response.body ?? []) {
        text += Buffer.from(chunk).toString();
        ids.splice(0, ids.length, ...[...text.matchAll(/^id: (\d+)$/gm)].map((match) => Number(match[1])));
        if (stopAfter !== undefined && ids.length >= stopAfter) {
          abort.abort();
          break;
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
    return { status: response.status, text, ids, comments: text.match(/^: .*$/gm) ?? [] };
  };
}

describe('run event streams', () => {
  it('formats an event as SSE: id, event, data, blank line', () => {
    expect(formatEvent({ seq: 7, type: 'node-token', data: '{"text":"a"}' })).toBe(
      'id: 7\nevent: node-token\ndata: {"text":"a"}\n\n',
    );
  });

  it('replays a live run from memory after Last-Event-ID, follows it, and ends with run-end', async () => {
    const live = new LiveRun('run_1');
    for (const seq of [1, 2, 3]) live.push(event(seq));
    const read = await serve(() => ({ live }));
    const reading = read({ 'Last-Event-ID': '1' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    live.push(event(4));
    live.push(event(5, 'run-end'));
    live.end();
    const result = await reading;
    expect(result.status).toBe(200);
    expect(result.ids).toEqual([2, 3, 4, 5]);
    expect(result.text.endsWith('event: run-end\ndata: {"seq":5,"type":"run-end"}\n\n')).toBe(true);
  });

  it('sends heartbeats while a run is quiet, and lets go of a client that leaves', async () => {
    const live = new LiveRun('run_1');
    live.push(event(1, 'run-start'));
    let gone = 0;
    const read = await serve(() => ({ live }), { heartbeatMs: 20, onClientGone: () => gone++ });
    const reading = read({}, '', 1);
    const first = await reading;
    expect(first.ids).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(live.listenerCount).toBe(0);
    expect(gone).toBe(1);

    const quiet = new LiveRun('run_2');
    const readQuiet = await serve(() => ({ live: quiet }), { heartbeatMs: 20 });
    const pending = readQuiet();
    await new Promise((resolve) => setTimeout(resolve, 90));
    quiet.push(event(1, 'run-end'));
    quiet.end();
    const result = await pending;
    expect(result.comments.length).toBeGreaterThanOrEqual(2);
    expect(result.comments[0]).toBe(': heartbeat');
    expect(result.ids).toEqual([1]);
  });

  it('answers 204 when a finished run has nothing after Last-Event-ID, and ends a log without run-end', async () => {
    // The service hands over the stored events after the client's id: here, after 1 of a log that stops at 2.
    const read = await serve(() => ({ stored: [event(2)] }));
    const interrupted = await read({}, '?after=1');
    expect(interrupted).toMatchObject({ status: 200, ids: [2] });
    const readEmpty = await serve(() => ({ stored: [] }));
    expect((await readEmpty({ 'Last-Event-ID': '5' })).status).toBe(204);
    expect((await readEmpty({ 'Last-Event-ID': '-1' })).status).toBe(400);
    expect((await readEmpty({}, '?after=1.5')).status).toBe(400);
  });
});
