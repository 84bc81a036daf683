import { type Database, databasePath, openDatabase } from '../db/connection.js';
import { DatabaseVersionError } from '../db/migrate.js';
import { displayPath } from './display.js';
import type { CliContext } from './main.js';

/**
 * Opens (and migrates) the database a command works on: `--db`, else GROUNDWORK_DB, else ./data/groundwork.db.
 * When it cannot, says why on stderr as `groundwork COMMAND: ...` (a newer Groundwork's database is named as such)
 * and answers undefined.
 */
export function openCommandDatabase(
  option: string | undefined,
  context: Pick<CliContext, 'cwd' | 'stderr'>,
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): { db: Database; path: string; label: string } | undefined {
  const path = databasePath(option, { cwd: context.cwd, env });
  try {
    return { db: openDatabase(path), path, label: displayPath(path, context.cwd) };
  } catch (error) {
    const reason = error instanceof DatabaseVersionError ? error.message : `${path}: ${(error as Error).message}`;
    context.stderr.write(`groundwork ${command}: ${reason}\n`);
    return undefined;
  }
}

/** Runs `use` on the command's database and closes it; exit status 1 when it cannot be opened. */
export function withCommandDatabase(
  option: string | undefined,
  context: Pick<CliContext, 'cwd' | 'stderr'>,
  command: string,
  env: NodeJS.ProcessEnv,
  use: (db: Database, label: string) => number,
): number {
  const opened = openCommandDatabase(option, context, command, env);
  if (!opened) return 1;
  try {
    return use(opened.db, opened.label);
  } finally {
    opened.db.close();
  }
}
