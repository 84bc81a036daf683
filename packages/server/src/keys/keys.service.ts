import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from '../db/connection.js';
import { newId } from '../ids.js';
import { type KeyRow, KeysRepository } from './keys.repository.js';

export { KeyNameTakenError } from './keys.repository.js';

export const KEY_PREFIX = 'gw_';
/** 32 random bytes are 43 base64url characters. */
const KEY_PATTERN = /^gw_[A-Za-z0-9_-]{43}$/;
/**
 * What is stored in clear and shown in lists: `gw_` and 8 characters (48 bits) of the random part. Enough to find
 * the row without scanning every hash; the 208 bits left are still far beyond guessing.
 */
const LOOKUP_LENGTH = KEY_PREFIX.length + 8;
/** last_used_at is written at most this often per key, so a busy client does not cost a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface ApiKeyInfo {
  name: string;
  /** The key's first characters (`gw_AbCdEfGh`), to tell keys apart. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedKey {
  /** The whole key: returned once, never stored. */
  key: string;
  info: ApiKeyInfo;
}

export type RevokeOutcome =
  | { status: 'revoked'; info: ApiKeyInfo }
  | { status: 'already-revoked'; info: ApiKeyInfo }
  | { status: 'not-found' };

/** A key name that cannot be used (it would not survive a table or a shell unquoted). */
export class InvalidKeyNameError extends Error {
  override name = 'InvalidKeyNameError';
  constructor(readonly keyName: string) {
    super(
      `invalid key name "${keyName}": use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}

export interface KeyServiceOptions {
  /** The clock; tests move it to check the last-used throttling. */
  now?: () => Date;
}

/**
 * API keys for published flows and the OpenAI-compatible endpoint. Only SHA-256 of a key is kept: keys are 256
 * random bits, so no one can brute-force the hash and a slow password hash (bcrypt, scrypt) would only cost every
 * request time. Nothing is cached between calls, so a key created or revoked by `groundwork keys` in another
 * process takes effect on the server's next request.
 */
export class KeyService {
  private readonly keys: KeysRepository;
  private readonly now: () => Date;

  constructor(db: Database, options: KeyServiceOptions = {}) {
    this.keys = new KeysRepository(db);
    this.now = options.now ?? (() => new Date());
  }

  /** Whether published endpoints need a key: once any key exists that is not revoked. */
  required(): boolean {
    return this.keys.hasActive();
  }

  /** Makes a key; throws InvalidKeyNameError or KeyNameTakenError. */
  create(name: string): CreatedKey {
    if (!NAME_PATTERN.test(name)) throw new InvalidKeyNameError(name);
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row: KeyRow = {
      id: newId('key'),
      name,
      prefix: key.slice(0, LOOKUP_LENGTH),
      hash: sha256(key).toString('hex'),
      created_at: this.now().toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    this.keys.insert(row);
    return { key, info: toInfo(row) };
  }

  list(): ApiKeyInfo[] {
    return this.keys.list().map(toInfo);
  }

  revoke(name: string): RevokeOutcome {
    const row = this.keys.findByName(name);
    if (!row) return { status: 'not-found' };
    if (row.revoked_at !== null) return { status: 'already-revoked', info: toInfo(row) };
    const at = this.now().toISOString();
    this.keys.revoke(name, at);
    return { status: 'revoked', info: toInfo({ ...row, revoked_at: at }) };
  }

  /**
   * The key's record when `presented` is a key that is not revoked; undefined otherwise. Hashes are compared in
   * constant time. The prefix lookup before it can only tell a caller whether some key starts with the first 48
   * bits they sent, which is no help in finding the rest.
   */
  verify(presented: string): ApiKeyInfo | undefined {
    if (!KEY_PATTERN.test(presented)) return undefined;
    const digest = sha256(presented);
    let match: KeyRow | undefined;
    for (const row of this.keys.findActiveByPrefix(presented.slice(0, LOOKUP_LENGTH))) {
      if (sameDigest(digest, Buffer.from(row.hash, 'hex'))) match = row;
    }
    if (!match) return undefined;
    const now = this.now();
    const lastUsed = match.last_used_at === null ? Number.NEGATIVE_INFINITY : Date.parse(match.last_used_at);
    // A clock set back makes lastUsed lie in the future; a write then puts it right.
    if (!(now.getTime() - lastUsed < LAST_USED_RESOLUTION_MS && now.getTime() >= lastUsed)) {
      match = { ...match, last_used_at: now.toISOString() };
      this.keys.touch(match.id, match.last_used_at!);
    }
    return toInfo(match);
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** timingSafeEqual throws on buffers of different lengths; a damaged stored hash is simply not a match. */
function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function toInfo(row: KeyRow): ApiKeyInfo {
  return {
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
