/**
 * Run seeds and replays against the real server and stories260K: a replay samples the same text as its original; a
 * run with another seed samples another.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Flow } from '@groundwork/runtime';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../packages/server/src/db/migrate.js';
import { contentHash } from '../../packages/server/src/flows/content-hash.js';
import { readEvents, saveFlow, storyFlow, waitFor } from './runs-helpers.js';
import { request, type ServerProcess, startServer } from './server-process.js';

// biome-ignore lint/suspicious/noExplicitAny: run records are read loosely here.
type Run = any;

/** prompt → write (llm on stories260K, sampled: temperature 0.9, top-k 40) → story. */
function sampledStory(name: string, maxTokens = 40): Flow {
  const flow = storyFlow(name);
  flow.nodes[1]!.config = { maxTokens, temperature: 0.9, topK: 40 };
  return flow;
}

const PROMPT = { prompt: 'Once upon a time' };

describe('run seeds and replays', () => {
  let server: ServerProcess;
  const api = (method: string, path: string, body?: unknown) => request(server.url, method, path, body);
  const run = async (body: object, flow = 'sampled'): Promise<Run> => {
    const response = await api('POST', `/api/flows/${flow}/runs`, { inputs: PROMPT, ...body });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.run.status).toBe('succeeded');
    return response.body.run;
  };
  const replay = async (id: string, body?: object): Promise<Run> => {
    const response = await api('POST', `/api/runs/${id}/replay`, body);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.run;
  };

  beforeAll(async () => {
    server = await startServer();
    await saveFlow(server, sampledStory('sampled'));
    await saveFlow(server, sampledStory('long-sampled', 400));
  });
  afterAll(() => server.stop());

  it('replays a seeded run to the same text; another seed samples another text', async () => {
    const original = await run({ seed: 1234 });
    expect(original).toMatchObject({ seed: 1234, replayOf: null, source: 'api' });
    const story = original.outputs.story as string;
    expect(story.length).toBeGreaterThan(20);
    const again = await replay(original.id);
    expect(again).toMatchObject({
      flowId: original.flowId,
      flowVersion: original.flowVersion,
      inputs: original.inputs,
      variants: original.variants,
      seed: 1234,
      replayOf: original.id,
      source: 'replay',
      status: 'succeeded',
    });
    expect(again.id).not.toBe(original.id);
    expect(again.outputs.story).toBe(story);
    const other = await run({ seed: 4321 });
    expect(other.outputs.story).not.toBe(story);
    // The seed given is the seed run: a run with it again samples the same text without being a replay.
    expect((await run({ seed: 4321 })).outputs.story).toBe(other.outputs.story);
  });

  it('records the random seed of a run given none, in the record and its run-start event, and replays it', async () => {
    const original = await run({});
    expect(Number.isInteger(original.seed)).toBe(true);
    expect(original.seed).toBeGreaterThanOrEqual(0);
    expect(original.seed).toBeLessThanOrEqual(0xffff_ffff);
    const events = await readEvents(`${server.url}/api/runs/${original.id}/events`);
    expect(events.events[0]).toMatchObject({ event: 'run-start', data: { seed: original.seed } });
    const again = await replay(original.id, { wait: true });
    expect(again).toMatchObject({ seed: original.seed, replayOf: original.id });
    expect(again.outputs.story).toBe(original.outputs.story);
    const listed = (await api('GET', `/api/runs?flow=sampled&limit=2`)).body.runs;
    expect(listed.map((entry: Run) => [entry.id, entry.seed, entry.replayOf])).toEqual([
      [again.id, original.seed, original.id],
      [original.id, original.seed, null],
    ]);
  });

  it('replays a run while it is still running (wait: false answers 202 with the replay)', async () => {
    const started = await api('POST', '/api/flows/long-sampled/runs', { inputs: PROMPT, wait: false });
    expect(started.status).toBe(202);
    const original = started.body.run;
    expect(original.status).toBe('running');
    expect(Number.isInteger(original.seed)).toBe(true);
    const replayed = await api('POST', `/api/runs/${original.id}/replay`, { wait: false });
    expect(replayed.status).toBe(202);
    expect(replayed.headers.get('location')).toBe(`/api/runs/${replayed.body.run.id}`);
    expect(replayed.body.run).toMatchObject({ status: 'running', seed: original.seed, replayOf: original.id });
    const ended = (id: string) =>
      waitFor(async () => {
        const { body } = await api('GET', `/api/runs/${id}`);
        return body.run.status === 'running' ? undefined : body.run;
      }, 60_000);
    const [first, second] = await Promise.all([ended(original.id), ended(replayed.body.run.id)]);
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    expect(second.outputs.story.length).toBeGreaterThan(100);
    // The replay joined the original's batch mid-way (continuous batching), so its cache was padded and its sampled
    // text may round differently (decision 0012): what it must share is the run it repeats.
    expect(second).toMatchObject({
      flowVersion: first.flowVersion,
      inputs: first.inputs,
      seed: first.seed,
      variants: first.variants,
    });
  });

  it('records the versions of referenced sub-flows, and a replay runs those even after the sub-flow changed', async () => {
    // outer: prompt → tell ({ ref: teller }) → story; teller is the sampled story flow.
    const teller = sampledStory('teller');
    await saveFlow(server, teller);
    const outer: Flow = {
      schemaVersion: 1,
      name: 'outer',
      inputs: { prompt: { type: 'text' } },
      outputs: { story: { type: 'text' } },
      nodes: [
        { id: 'prompt', type: 'input', config: { name: 'prompt' } },
        { id: 'tell', type: 'subflow', config: { flow: { ref: 'teller' } } },
        { id: 'story', type: 'output', config: { name: 'story' } },
      ],
      edges: [
        { from: 'prompt.value', to: 'tell.prompt' },
        { from: 'tell.story', to: 'story.value' },
      ],
    };
    await saveFlow(server, outer);
    const original = await run({ seed: 99 }, 'outer');
    const tellerId = (await api('GET', '/api/flows/teller')).body.flow.id;
    expect(original.subflows).toEqual({ teller: { flowId: tellerId, version: 1 } });

    // teller v2 writes greedily and shorter: new runs use it, the replay still runs v1.
    const changed = sampledStory('teller', 12);
    changed.nodes[1]!.config = { maxTokens: 12, temperature: 0 };
    const saved = await api('PUT', '/api/flows/teller', { flow: changed });
    expect(saved.body.version.version).toBe(2);
    const fresh = await run({ seed: 99 }, 'outer');
    expect(fresh.subflows).toEqual({ teller: { flowId: tellerId, version: 2 } });
    expect(fresh.outputs.story).not.toBe(original.outputs.story);
    const again = await replay(original.id);
    expect(again.subflows).toEqual(original.subflows);
    expect(again.outputs.story).toBe(original.outputs.story);
  });

  it('takes a seed on the published endpoint and records it', async () => {
    const call = () => api('POST', '/api/v1/flows/sampled/run', { inputs: PROMPT, seed: 77 });
    const [first, second] = [await call(), await call()];
    expect(first.status).toBe(200);
    expect(second.body.outputs).toEqual(first.body.outputs);
    const recorded = (await api('GET', `/api/runs/${first.body.run_id}`)).body.run;
    expect(recorded).toMatchObject({ seed: 77, source: 'published', replayOf: null });
    expect((await replay(first.body.run_id)).outputs).toEqual(first.body.outputs);
  });

  it.each([
    ['a negative seed', { seed: -1 }],
    ['a seed beyond 32 bits', { seed: 2 ** 32 }],
    ['a seed that is not a whole number', { seed: 1.5 }],
    ['a seed as text', { seed: '7' }],
  ])('refuses %s with a 400 naming body.seed', async (_what, body) => {
    for (const path of ['/api/flows/sampled/runs', '/api/v1/flows/sampled/run']) {
      const response = await api('POST', path, { inputs: PROMPT, ...body });
      expect(response.status, path).toBe(400);
      expect(response.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual(['body.seed']);
    }
  });

  it('answers 404 for an unknown run and 400 for a replay body it does not take', async () => {
    const missing = await api('POST', '/api/runs/run_nope/replay');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('run "run_nope" was not found');
    const { id } = await run({ seed: 5 });
    const seeded = await api('POST', `/api/runs/${id}/replay`, { seed: 6 });
    expect(seeded.status).toBe(400);
    expect(seeded.body.error.message).toBe('body: unknown field "seed"');
    const wait = await api('POST', `/api/runs/${id}/replay`, { wait: 'yes' });
    expect(wait.status).toBe(400);
    expect(wait.body.error.issues[0].path).toBe('body.wait');
  });
});

describe('a database from before run seeds', () => {
  let server: ServerProcess;
  const flow = sampledStory('old-story');

  beforeAll(async () => {
    // What the previous Groundwork left: schema 1, a flow and a finished run, no seeds.
    const path = join(mkdtempSync(join(tmpdir(), 'groundwork-db-')), 'groundwork.db');
    const old = new Database(path);
    migrate(old, loadMigrations().slice(0, 1));
    const time = '2026-11-01T00:00:00.000Z';
    old.prepare('INSERT INTO flows VALUES (?, ?, NULL, 1, ?, ?)').run('flw_old', flow.name, time, time);
    old
      .prepare('INSERT INTO flow_versions VALUES (?, 1, ?, 1, ?, NULL, ?)')
      .run('flw_old', JSON.stringify(flow), contentHash(flow), time);
    old
      .prepare(
        `INSERT INTO runs (id, flow_id, flow_version, status, source, inputs, variants, outputs, created_at, ended_at, duration_ms)
           VALUES ('run_old', 'flw_old', 1, 'succeeded', 'api', ?, '{}', '{"story":"old text"}', ?, ?, 12)`,
      )
      .run(JSON.stringify(PROMPT), time, time);
    old.close();
    server = await startServer({ db: path });
  });
  afterAll(() => server.stop());

  it('is migrated at start: its runs read with no seed and cannot be replayed (409); new runs have one', async () => {
    const old = await request(server.url, 'GET', '/api/runs/run_old');
    expect(old.status).toBe(200);
    expect(old.body.run).toMatchObject({ id: 'run_old', outputs: { story: 'old text' }, seed: null, replayOf: null });
    const replay = await request(server.url, 'POST', '/api/runs/run_old/replay');
    expect(replay.status).toBe(409);
    expect(replay.body.error).toEqual({
      code: 'conflict',
      message:
        'run "run_old" was recorded before runs kept their seed, so it cannot be replayed identically; start a new run with its inputs and variants instead',
    });
    expect((await request(server.url, 'GET', '/api/runs?flow=old-story')).body.runs).toHaveLength(1);
    const fresh = await request(server.url, 'POST', '/api/flows/old-story/runs', { inputs: PROMPT });
    expect(fresh.body.run).toMatchObject({ status: 'succeeded', seed: expect.any(Number), replayOf: null });
    const db = new Database(server.db, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    } finally {
      db.close();
    }
  });
});
