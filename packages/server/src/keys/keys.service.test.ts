import * as crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import type { KeyRow } from './keys.repository.js';
import { InvalidKeyNameError, KeyNameTakenError, KeyService, LAST_USED_RESOLUTION_MS } from './keys.service.js';

// A spy around the real timingSafeEqual, to see that hashes are compared with it and never with ===.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

let db: Database;
let clock: Date;
let keys: KeyService;

beforeEach(() => {
  db = openDatabase(':memory:');
  clock = new Date('2026-11-22T10:00:00.000Z');
  keys = new KeyService(db, { now: () => clock });
  vi.mocked(crypto.timingSafeEqual).mockClear();
});

afterEach(() => db.close());

const rows = () => db.prepare('SELECT * FROM api_keys ORDER BY name').all() as KeyRow[];
const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};

describe('KeyService', () => {
  it('makes gw_ keys of 32 random bytes and keeps only their SHA-256 and prefix', () => {
    const { key, info } = keys.create('ci');
    expect(key).toMatch(/^gw_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(32);
    expect(info).toEqual({
      name: 'ci',
      prefix: key.slice(0, 11),
      createdAt: '2026-11-22T10:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
    });
    const [row] = rows();
    expect(row!.hash).toBe(crypto.createHash('sha256').update(key).digest('hex'));
    expect(row!.id).toMatch(/^key_/);
    // Nothing stored holds the secret part of the key.
    expect(JSON.stringify(rows())).not.toContain(key.slice(11));
    expect(keys.create('other').key).not.toBe(key);
  });

  it('verifies a key, and compares hashes in constant time on equal-length buffers', () => {
    const { key } = keys.create('ci');
    expect(keys.verify(key)?.name).toBe('ci');
    const compare = vi.mocked(crypto.timingSafeEqual);
    expect(compare).toHaveBeenCalledTimes(1);
    const [a, b] = compare.mock.calls[0]! as [Buffer, Buffer];
    expect(a).toHaveLength(32);
    expect(b).toHaveLength(32);

    // Same prefix, different rest: found by prefix, refused by the hash comparison.
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    const forged = key.slice(0, -1) + last;
    expect(keys.verify(forged)).toBeUndefined();
    expect(compare).toHaveBeenCalledTimes(2);
  });

  it('refuses what is not a key without looking further', () => {
    const { key } = keys.create('ci');
    for (const presented of ['', 'gw_', key.slice(0, -1), `${key}x`, key.replace('gw_', 'sk-'), `${key.slice(0, -1)}=`])
      expect(keys.verify(presented)).toBeUndefined();
    expect(crypto.timingSafeEqual).not.toHaveBeenCalled();
  });

  it('treats a damaged stored hash as no match instead of throwing', () => {
    const { key } = keys.create('ci');
    db.prepare("UPDATE api_keys SET hash = 'abcd'").run();
    expect(keys.verify(key)).toBeUndefined();
  });

  it('is required once a key exists, and no longer once every key is revoked', () => {
    expect(keys.required()).toBe(false);
    const first = keys.create('first');
    const second = keys.create('second');
    expect(keys.required()).toBe(true);
    expect(keys.revoke('first')).toMatchObject({ status: 'revoked', info: { revokedAt: clock.toISOString() } });
    expect(keys.verify(first.key)).toBeUndefined();
    expect(keys.verify(second.key)?.name).toBe('second');
    expect(keys.required()).toBe(true);
    expect(keys.revoke('second').status).toBe('revoked');
    expect(keys.required()).toBe(false);
  });

  it('reports revoking twice and revoking an unknown name', () => {
    keys.create('ci');
    keys.revoke('ci');
    advance(5_000);
    expect(keys.revoke('ci')).toMatchObject({
      status: 'already-revoked',
      info: { revokedAt: '2026-11-22T10:00:00.000Z' },
    });
    expect(keys.revoke('nope')).toEqual({ status: 'not-found' });
  });

  it('keeps names unique, revoked keys included, and refuses names a table or a shell would garble', () => {
    keys.create('ci');
    expect(() => keys.create('ci')).toThrow(KeyNameTakenError);
    keys.revoke('ci');
    expect(() => keys.create('ci')).toThrow('an API key named "ci" already exists');
    for (const name of ['', 'with space', '-dash-first', 'x'.repeat(65), 'semi;colon'])
      expect(() => keys.create(name)).toThrow(InvalidKeyNameError);
    expect(keys.create('a.b_c-1').info.name).toBe('a.b_c-1');
  });

  it('writes last used at most once a minute per key', () => {
    const { key } = keys.create('ci');
    const other = keys.create('other');
    const lastUsed = (name: string) => rows().find((row) => row.name === name)!.last_used_at;

    expect(keys.verify(key)?.lastUsedAt).toBe('2026-11-22T10:00:00.000Z');
    expect(lastUsed('ci')).toBe('2026-11-22T10:00:00.000Z');
    advance(LAST_USED_RESOLUTION_MS - 1);
    expect(keys.verify(key)?.lastUsedAt).toBe('2026-11-22T10:00:00.000Z');
    expect(lastUsed('ci')).toBe('2026-11-22T10:00:00.000Z');
    // Each key has its own minute.
    expect(keys.verify(other.key)).toBeDefined();
    expect(lastUsed('other')).toBe('2026-11-22T10:00:59.999Z');
    advance(1);
    keys.verify(key);
    expect(lastUsed('ci')).toBe('2026-11-22T10:01:00.000Z');
  });

  it('puts last used right when the clock went back', () => {
    const { key } = keys.create('ci');
    keys.verify(key);
    advance(-3_600_000);
    keys.verify(key);
    expect(rows()[0]!.last_used_at).toBe('2026-11-22T09:00:00.000Z');
  });

  it('lists keys in the order they were made, without hashes', () => {
    keys.create('b');
    advance(1000);
    keys.create('a');
    const list = keys.list();
    expect(list.map((key) => key.name)).toEqual(['b', 'a']);
    expect(Object.keys(list[0]!).sort()).toEqual(['createdAt', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
  });
});
