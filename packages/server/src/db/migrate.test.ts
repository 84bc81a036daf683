import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './connection.js';
import { DatabaseVersionError, loadMigrations, migrate } from './migrate.js';

const temporary = () => join(mkdtempSync(join(tmpdir(), 'groundwork-db-')), 'groundwork.db');

describe('migrations', () => {
  it('creates a new database at the latest schema, with WAL and foreign keys', () => {
    const path = temporary();
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(loadMigrations().length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    ).map((t) => t.name);
    expect(tables).toEqual([
      'api_keys',
      'chunks',
      // FTS5's own tables for the chunks' full-text index.
      'chunks_fts',
      'chunks_fts_config',
      'chunks_fts_data',
      'chunks_fts_docsize',
      'chunks_fts_idx',
      'collections',
      'dataset_rows',
      'datasets',
      'documents',
      'evaluation_items',
      'evaluation_preferences',
      'evaluations',
      'flow_labels',
      'flow_versions',
      'flows',
      'run_events',
      'run_nodes',
      'runs',
      // AUTOINCREMENT's counters (chunks.seq).
      'sqlite_sequence',
    ]);
    db.close();
  });

  it('upgrades an older database in place, keeping its data', () => {
    const folder = mkdtempSync(join(tmpdir(), 'groundwork-migrations-'));
    writeFileSync(join(folder, '0001-notes.sql'), 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);');
    const path = temporary();
    const old = new Database(path);
    migrate(old, loadMigrations(`${folder}/`));
    old.prepare("INSERT INTO notes (text) VALUES ('kept')").run();
    old.close();

    writeFileSync(
      join(folder, '0002-note-authors.sql'),
      "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'nobody';",
    );
    const db = new Database(path);
    expect(migrate(db, loadMigrations(`${folder}/`))).toEqual({ from: 1, to: 2 });
    expect(db.prepare('SELECT text, author FROM notes').all()).toEqual([{ text: 'kept', author: 'nobody' }]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(migrate(db, loadMigrations(`${folder}/`))).toEqual({ from: 2, to: 2 });
    db.close();
  });

  it('applies nothing of a migration that fails', () => {
    const folder = mkdtempSync(join(tmpdir(), 'groundwork-migrations-'));
    writeFileSync(join(folder, '0001-good.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(folder, '0002-bad.sql'), 'CREATE TABLE b (y INTEGER); INSERT INTO missing VALUES (1);');
    const db = new Database(temporary());
    expect(() => migrate(db, loadMigrations(`${folder}/`))).toThrow(/no such table: missing/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('refuses a database from a newer Groundwork, untouched', () => {
    const path = temporary();
    const newer = new Database(path);
    newer.exec('CREATE TABLE future (x INTEGER)');
    newer.pragma('user_version = 99');
    newer.close();
    const before = readFileSync(path);
    expect(() => openDatabase(path)).toThrow(DatabaseVersionError);
    expect(() => openDatabase(path)).toThrow(
      `${path}: this database was written by a newer Groundwork (schema 99; this one knows up to ${loadMigrations().length}). Upgrade Groundwork, or point --db at another file.`,
    );
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses migrations out of sequence', () => {
    const folder = mkdtempSync(join(tmpdir(), 'groundwork-migrations-'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, '0001-a.sql'), 'SELECT 1;');
    writeFileSync(join(folder, '0003-c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(`${folder}/`)).toThrow('migration 3-c is out of sequence: expected 2');
  });
});
