import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { databasePath } from '../db/connection.js';
import { DatabaseVersionError, refuseNewer } from '../db/migrate.js';
import { type FlowSummary, FlowsRepository } from '../flows/flows.repository.js';
import { displayPath } from './display.js';

/** The --db option of commands that read stored flows, with the same default as `serve`. */
export const DB_OPTION = [
  '--db <path>',
  'the SQLite database file (default: GROUNDWORK_DB, else ./data/groundwork.db)',
] as const;

/** The database cannot be read, or has no such flow: the message names the file and what it holds. */
export class FlowDatabaseError extends Error {
  override name = 'FlowDatabaseError';
}

export interface StoredFlows {
  flows: FlowsRepository;
  /** The database file as the user would type it. */
  label: string;
  close(): void;
}

/**
 * Opens the database read-only, without migrating it: reading history and diffs must never write, not even to a
 * database an older Groundwork left (reading flows needs only the first schema's tables). A missing file is an
 * error, not a new database.
 */
export function openStoredFlows(option: string | undefined, cwd: string, env: NodeJS.ProcessEnv): StoredFlows {
  const path = databasePath(option, { cwd, env });
  const label = displayPath(path, cwd);
  if (!existsSync(path)) {
    throw new FlowDatabaseError(
      `no database at ${label} (give --db PATH or set GROUNDWORK_DB; groundwork serve creates one)`,
    );
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new FlowDatabaseError(`${label}: cannot open the database: ${(error as Error).message}`);
  }
  try {
    refuseNewer(db);
    // A server writing at the same moment holds the lock briefly; wait for it rather than fail.
    db.pragma('busy_timeout = 5000');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'flow_versions'").all();
    if (tables.length === 0) throw new FlowDatabaseError(`${label} is not a Groundwork database (it has no flows)`);
  } catch (error) {
    db.close();
    if (error instanceof FlowDatabaseError) throw error;
    // The version error names the file already.
    if (error instanceof DatabaseVersionError) throw new FlowDatabaseError(error.message);
    throw new FlowDatabaseError(`${label}: ${(error as Error).message}`);
  }
  return { flows: new FlowsRepository(db), label, close: () => db.close() };
}

/** A stored flow by id or name; an unknown one is an error listing the flows there are. */
export function findStoredFlow(stored: StoredFlows, reference: string): FlowSummary {
  const found = stored.flows.find(reference);
  if (found) return found;
  const names = stored.flows.list().map((flow) => flow.name);
  throw new FlowDatabaseError(
    `no flow "${reference}" in ${stored.label} (${names.length ? `flows there: ${names.join(', ')}` : 'it holds no flows yet'})`,
  );
}
