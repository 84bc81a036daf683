import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

/**
 * The SQL migrations, in order: `NNNN-name.sql`. Read from the package's src/ folder both from sources and from the
 * build (dist/db is two folders below the package root, as src/db is), so the build needs no copying step.
 */
const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../src/db/migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export class DatabaseVersionError extends Error {
  override name = 'DatabaseVersionError';
}

export function loadMigrations(folder = MIGRATIONS_FOLDER): Migration[] {
  const migrations = readdirSync(folder)
    .filter((file) => /^\d{4}-[a-z0-9-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(`${folder}${file}`, 'utf8'),
    }));
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration ${migration.version}-${migration.name} is out of sequence: expected ${index + 1}`);
    }
  });
  return migrations;
}

/**
 * Throws when the database was written by a newer Groundwork; returns its schema version otherwise. Call it before
 * anything that writes to the file (even setting the journal mode does), so a refused database stays untouched.
 */
export function refuseNewer(db: Database, migrations: readonly Migration[] = loadMigrations()): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new DatabaseVersionError(
      `${db.name}: this database was written by a newer Groundwork (schema ${version}; this one knows up to ${migrations.length}). Upgrade Groundwork, or point --db at another file.`,
    );
  }
  return version;
}

/**
 * Brings the database to the latest schema, each migration in its own transaction (SQLite's user_version holds the
 * number applied). A database written by a newer Groundwork is refused, untouched.
 */
export function migrate(
  db: Database,
  migrations: readonly Migration[] = loadMigrations(),
): { from: number; to: number } {
  const from = refuseNewer(db, migrations);
  const latest = migrations.length;
  for (const migration of migrations.slice(from)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
  return { from, to: latest };
}
