import type { Flow } from '@groundwork/runtime';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../packages/server/src/flows/content-hash.js';
import { GOLDEN, GOLDEN_TEXT, readEvents, type SseEvent, saveFlow, storyFlow, waitFor } from './runs-helpers.js';
import { request, type ServerProcess, startServer } from './server-process.js';

// biome-ignore lint/suspicious/noExplicitAny: run records are read loosely here.
type Data = any;

const RUNS = 50;

interface StoredVersion {
  flow_id: string;
  version: number;
  content: string;
  content_hash: string;
}

function readVersions(path: string): StoredVersion[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare('SELECT flow_id, version, content, content_hash FROM flow_versions ORDER BY flow_id, version')
      .all() as StoredVersion[];
  } finally {
    db.close();
  }
}

async function eventLog(server: ServerProcess, id: string): Promise<SseEvent[]> {
  return (await readEvents(`${server.url}/api/runs/${id}/events`)).events;
}

describe('a server killed mid-run', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const server of servers) if (server.child.exitCode === null) await server.kill();
  });

  it('keeps every finished run complete on disk and marks the others interrupted', { timeout: 120_000 }, async () => {
    const first = await startServer();
    servers.push(first);
    // One flow, two variants: short runs finish while the long ones are still generating when the server dies.
    const flow: Flow = storyFlow('story', 0, { short: 16, long: 500 });
    await saveFlow(first, flow);
    const versionsBefore = readVersions(first.db);
    expect(versionsBefore).toHaveLength(1);

    // The model loads on the first run; meanwhile every request would queue into one batch. Load it first, then
    // start the short runs ahead of the long ones: a batch ends with its longest row.
    const warm = await request(first.url, 'POST', '/api/flows/story/runs', {
      inputs: { prompt: GOLDEN.prompt },
      variants: { write: 'short' },
    });
    expect(warm.body.run.status).toBe('succeeded');
    const start = (variant: string) =>
      Promise.all(
        Array.from({ length: RUNS / 2 }, async () => {
          const { status, body } = await request(first.url, 'POST', '/api/flows/story/runs', {
            inputs: { prompt: GOLDEN.prompt },
            variants: { write: variant },
            wait: false,
          });
          expect(status).toBe(202);
          return body.run.id as string;
        }),
      );
    const started = [warm.body.run.id as string, ...(await start('short')), ...(await start('long'))];
    const succeeded = await waitFor(async () => {
      const { body } = await request(first.url, 'GET', `/api/runs?flow=story&status=succeeded&limit=${RUNS}`);
      return body.runs.length >= 10 ? (body.runs as Data[]) : undefined;
    }, 60_000);
    // What clients saw of the finished runs, to compare after the crash.
    const seen = new Map<string, { run: Data; events: SseEvent[] }>();
    for (const { id } of succeeded) {
      seen.set(id, {
        run: (await request(first.url, 'GET', `/api/runs/${id}`)).body.run,
        events: await eventLog(first, id),
      });
    }
    await first.kill();

    const second = await startServer({ db: first.db });
    servers.push(second);
    expect(second.stderr()).toContain('runs left running by a stopped server were marked interrupted');
    const runs: Data[] = [];
    for (const id of started) runs.push((await request(second.url, 'GET', `/api/runs/${id}`)).body.run);

    expect(runs.filter((run) => run.status === 'running')).toEqual([]);
    for (const [id, before] of seen) {
      const after = runs.find((run) => run.id === id);
      expect(after).toEqual(before.run);
      expect(await eventLog(second, id)).toEqual(before.events);
    }
    const finished = runs.filter((run) => run.status === 'succeeded');
    const interrupted = runs.filter((run) => run.status === 'interrupted');
    expect(finished.length + interrupted.length).toBe(RUNS + 1);
    expect(finished.length).toBeGreaterThanOrEqual(seen.size);
    // The long runs (500 tokens) were still generating when the server died.
    expect(interrupted.length).toBeGreaterThan(0);

    for (const run of finished) {
      const events = await eventLog(second, run.id);
      expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 1));
      expect(events.at(-1)!.data).toMatchObject({ type: 'run-end', status: 'succeeded', outputs: run.outputs });
      expect(GOLDEN_TEXT.startsWith(run.outputs.story) || run.outputs.story.startsWith(GOLDEN_TEXT)).toBe(true);
      expect(run.nodes.every((node: Data) => node.status === 'succeeded')).toBe(true);
    }
    for (const run of interrupted) {
      expect(run).toMatchObject({ error: { code: 'interrupted' }, endedAt: expect.any(String), outputs: null });
      expect(run.nodes.some((node: Data) => node.status === 'running')).toBe(false);
      // What was written before the crash is a prefix of the run's events: batches are whole or absent.
      const events = await eventLog(second, run.id);
      expect(events.map((event) => Number(event.id))).toEqual(events.map((_, index) => index + 1));
      expect(events.some((event) => event.event === 'run-end')).toBe(false);
    }

    // The restarted server runs flows as before.
    const again = await request(second.url, 'POST', '/api/flows/story/runs', {
      inputs: { prompt: GOLDEN.prompt },
      variants: { write: 'short' },
    });
    expect(again.body.run.status).toBe('succeeded');

    expect(await second.stop()).toBe(0);
    const versionsAfter = readVersions(first.db);
    expect(versionsAfter).toEqual(versionsBefore);
    for (const version of versionsAfter) expect(contentHash(JSON.parse(version.content))).toBe(version.content_hash);
    const db = new Database(first.db, { readonly: true });
    try {
      expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const statuses = db.prepare('SELECT status, count(*) AS n FROM runs GROUP BY status ORDER BY status').all();
      expect(statuses).toEqual([
        { status: 'interrupted', n: interrupted.length },
        { status: 'succeeded', n: finished.length + 1 },
      ]);
    } finally {
      db.close();
    }
  });
});
