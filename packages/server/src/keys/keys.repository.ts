import type { Database } from '../db/connection.js';

/** A key as stored: never the key itself, only its SHA-256 and the first characters for display and lookup. */
export interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  /** SHA-256 of the whole key, hex. */
  hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** The key name is already another key's (revoked ones included: names stay unique so lists stay unambiguous). */
export class KeyNameTakenError extends Error {
  override name = 'KeyNameTakenError';
  constructor(readonly keyName: string) {
    super(`an API key named "${keyName}" already exists`);
  }
}

/** The api_keys table. Plain statements; the rules (hashing, throttling) live in KeyService. */
export class KeysRepository {
  private readonly statements;

  constructor(db: Database) {
    this.statements = {
      insert: db.prepare<[KeyRow]>(
        `INSERT INTO api_keys (id, name, prefix, hash, created_at, last_used_at, revoked_at)
         VALUES (@id, @name, @prefix, @hash, @created_at, @last_used_at, @revoked_at)`,
      ),
      byName: db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE name = ?'),
      activeByPrefix: db.prepare<[string], KeyRow>('SELECT * FROM api_keys WHERE prefix = ? AND revoked_at IS NULL'),
      all: db.prepare<[], KeyRow>('SELECT * FROM api_keys ORDER BY created_at, name'),
      anyActive: db.prepare<[], { found: number }>(
        'SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL) AS found',
      ),
      revoke: db.prepare<[string, string]>('UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL'),
      touch: db.prepare<[string, string]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?'),
    };
  }

  /** Throws KeyNameTakenError when the name is used, by a live key or a revoked one. */
  insert(row: KeyRow): void {
    try {
      this.statements.insert.run(row);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' && /api_keys\.name/.test((error as Error).message))
        throw new KeyNameTakenError(row.name);
      throw error;
    }
  }

  findByName(name: string): KeyRow | undefined {
    return this.statements.byName.get(name);
  }

  /** Keys that are not revoked with this prefix: almost always one or none. */
  findActiveByPrefix(prefix: string): KeyRow[] {
    return this.statements.activeByPrefix.all(prefix);
  }

  list(): KeyRow[] {
    return this.statements.all.all();
  }

  /** Whether any key is not revoked. */
  hasActive(): boolean {
    return this.statements.anyActive.get()!.found === 1;
  }

  /** Marks the key revoked; false when there is no such key or it was revoked already. */
  revoke(name: string, at: string): boolean {
    return this.statements.revoke.run(at, name).changes === 1;
  }

  touch(id: string, at: string): void {
    this.statements.touch.run(at, id);
  }
}
