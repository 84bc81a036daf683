import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFlow } from '@groundwork/runtime/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { loadMigrations, migrate } from '../db/migrate.js';
import { contentHash } from '../flows/content-hash.js';
import { RunsRepository } from './runs.repository.js';

describe('migration 0002 (run seeds and replays) on a database of the previous schema', () => {
  it('adds seed and replay_of, keeping the runs there were, which read as recorded without a seed', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'groundwork-db-')), 'groundwork.db');
    const old = new Database(path);
    migrate(old, loadMigrations().slice(0, 1));
    const flow = buildFlow({ name: 'old', nodes: [] });
    old.prepare("INSERT INTO flows VALUES ('flw_old', 'old', NULL, 1, 't', 't')").run();
    old
      .prepare("INSERT INTO flow_versions VALUES ('flw_old', 1, ?, 1, ?, NULL, 't')")
      .run(JSON.stringify(flow), contentHash(flow));
    old
      .prepare(
        "INSERT INTO runs (id, flow_id, flow_version, status, source, inputs, variants, outputs, created_at) VALUES ('run_old', 'flw_old', 1, 'succeeded', 'api', '{\"q\":\"x\"}', '{}', '{}', 't')",
      )
      .run();
    old.close();

    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    const runs = new RunsRepository(db);
    expect(runs.get('run_old')).toMatchObject({ id: 'run_old', inputs: { q: 'x' }, seed: null, replayOf: null });

    runs.insertRun({
      id: 'run_new',
      flowId: 'flw_old',
      flowVersion: 1,
      source: 'replay',
      inputs: { q: 'x' },
      variants: {},
      seed: 0xffff_ffff,
      replayOf: 'run_old',
      createdAt: 'u',
    });
    expect(runs.get('run_new')).toMatchObject({ seed: 0xffff_ffff, replayOf: 'run_old', source: 'replay' });
    // A replay cannot point at a run that is not there, and a seed is a 32-bit unsigned integer.
    const insert = (id: string, seed: number, replayOf: string) =>
      db
        .prepare(
          "INSERT INTO runs (id, flow_id, flow_version, status, source, inputs, variants, seed, replay_of, created_at) VALUES (?, 'flw_old', 1, 'running', 'replay', '{}', '{}', ?, ?, 'v')",
        )
        .run(id, seed, replayOf);
    expect(() => insert('run_a', 1, 'run_gone')).toThrow(/FOREIGN KEY/);
    expect(() => insert('run_b', 2 ** 32, 'run_old')).toThrow(/CHECK/);
    db.close();
  });
});
