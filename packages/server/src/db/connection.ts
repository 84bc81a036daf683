import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, refuseNewer } from './migrate.js';

export type { Database } from 'better-sqlite3';

export const DEFAULT_DATABASE_PATH = './data/groundwork.db';

/** The database file: --db, else GROUNDWORK_DB, else ./data/groundwork.db (relative to cwd). */
export function databasePath(
  option: string | undefined,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): string {
  const env = options.env ?? process.env;
  return resolve(options.cwd ?? process.cwd(), option ?? env.GROUNDWORK_DB ?? DEFAULT_DATABASE_PATH);
}

/**
 * Opens (creating it when absent) and migrates the database. WAL lets readers run while a run writes; with
 * synchronous=NORMAL a committed transaction survives a killed process (only a power loss can lose the last ones).
 */
export function openDatabase(path: string): Database.Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    refuseNewer(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
