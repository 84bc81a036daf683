import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { KeyNameTakenError, type KeyRow, KeysRepository } from './keys.repository.js';

let db: Database;
let repository: KeysRepository;

beforeEach(() => {
  db = openDatabase(':memory:');
  repository = new KeysRepository(db);
});

afterEach(() => db.close());

function row(name: string, prefix = 'gw_AAAAAAAA'): KeyRow {
  return {
    id: `key_${name}`,
    name,
    prefix,
    hash: 'ab'.repeat(32),
    created_at: '2026-11-22T10:00:00.000Z',
    last_used_at: null,
    revoked_at: null,
  };
}

describe('KeysRepository', () => {
  it('finds keys that are not revoked by prefix', () => {
    repository.insert(row('a'));
    repository.insert(row('b'));
    repository.insert(row('c', 'gw_BBBBBBBB'));
    expect(repository.findActiveByPrefix('gw_AAAAAAAA').map((key) => key.name)).toEqual(['a', 'b']);
    expect(repository.revoke('a', '2026-11-22T11:00:00.000Z')).toBe(true);
    expect(repository.findActiveByPrefix('gw_AAAAAAAA').map((key) => key.name)).toEqual(['b']);
    expect(repository.findByName('a')?.revoked_at).toBe('2026-11-22T11:00:00.000Z');
  });

  it('revokes once: a second revoke and an unknown name change nothing', () => {
    repository.insert(row('a'));
    expect(repository.revoke('a', '2026-11-22T11:00:00.000Z')).toBe(true);
    expect(repository.revoke('a', '2026-11-22T12:00:00.000Z')).toBe(false);
    expect(repository.findByName('a')?.revoked_at).toBe('2026-11-22T11:00:00.000Z');
    expect(repository.revoke('zzz', '2026-11-22T12:00:00.000Z')).toBe(false);
  });

  it('says whether any key is live', () => {
    expect(repository.hasActive()).toBe(false);
    repository.insert(row('a'));
    expect(repository.hasActive()).toBe(true);
    repository.revoke('a', '2026-11-22T11:00:00.000Z');
    expect(repository.hasActive()).toBe(false);
  });

  it('turns the unique name constraint into KeyNameTakenError', () => {
    repository.insert(row('a'));
    expect(() => repository.insert({ ...row('a'), id: 'key_other' })).toThrow(KeyNameTakenError);
    // Other constraint failures are not a taken name.
    expect(() => repository.insert({ ...row('b'), id: 'key_a' })).toThrow(/UNIQUE constraint failed: api_keys.id/);
  });

  it('records last use', () => {
    repository.insert(row('a'));
    repository.touch('key_a', '2026-11-22T10:05:00.000Z');
    expect(repository.list()).toMatchObject([{ name: 'a', last_used_at: '2026-11-22T10:05:00.000Z' }]);
  });
});
