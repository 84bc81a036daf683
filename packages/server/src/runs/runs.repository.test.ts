import { buildFlow } from '@groundwork/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { FlowsRepository } from '../flows/flows.repository.js';
import { RunsRepository } from './runs.repository.js';

let db: Database;
afterEach(() => db.close());

describe('RunsRepository.list', () => {
  it('pages newest first without skipping or repeating runs created in the same millisecond', () => {
    db = openDatabase(':memory:');
    const flows = new FlowsRepository(db);
    const runs = new RunsRepository(db);
    const a = flows.create(buildFlow({ name: 'a', nodes: [] }), undefined);
    const b = flows.create(buildFlow({ name: 'b', nodes: [] }), undefined);
    const insert = (id: string, flowId: string, createdAt: string) =>
      runs.insertRun({ id, flowId, flowVersion: 1, source: 'api', inputs: {}, variants: {}, seed: 1, createdAt });
    insert('run_1', a.flowId, '2026-01-01T00:00:00.000Z');
    for (const id of ['run_2', 'run_5', 'run_3', 'run_4']) insert(id, a.flowId, '2026-01-01T00:00:01.000Z');
    insert('run_6', b.flowId, '2026-01-01T00:00:02.000Z');
    runs.finishRun('run_3', { status: 'failed', outputs: {}, error: null, endedAt: 'x', durationMs: 1 });

    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = runs.list({ limit: 2, ...(before ? { before } : {}) });
      seen.push(...page.map((run) => run.id));
      if (page.length < 2) break;
      before = page.at(-1)!.id;
    }
    expect(seen).toEqual(['run_6', 'run_5', 'run_4', 'run_3', 'run_2', 'run_1']);
    expect(runs.list({ limit: 10, flowId: b.flowId }).map((run) => run.id)).toEqual(['run_6']);
    expect(runs.list({ limit: 10, status: 'failed' }).map((run) => run.id)).toEqual(['run_3']);
    expect(runs.list({ limit: 10, flowId: a.flowId, status: 'running', before: 'run_4' }).map((run) => run.id)).toEqual(
      ['run_2', 'run_1'],
    );
  });
});
