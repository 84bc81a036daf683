import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContentHasher, formatChecksum, hashFile, hashFileInto } from './checksums.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'groundwork-checksums-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checksums', () => {
  it('computes git blob ids as `git hash-object` does', () => {
    // printf 'hello\n' | git hash-object --stdin; and the empty blob every git knows.
    const hello = createContentHasher('git-sha1', 6);
    hello.update(Buffer.from('hello\n'));
    expect(hello.digest()).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    expect(createContentHasher('git-sha1', 0).digest()).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  it('computes SHA-256 of the content alone, across chunks', () => {
    const hasher = createContentHasher('sha256', 6);
    hasher.update(Buffer.from('hel'));
    hasher.update(Buffer.from('lo\n'));
    expect(hasher.digest()).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  });

  it('hashes a file, or its first bytes', async () => {
    const path = join(dir, 'hello.txt');
    writeFileSync(path, 'hello\nworld\n');
    const prefix = createContentHasher('git-sha1', 6);
    await hashFileInto(prefix, path, 6);
    expect(prefix.digest()).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const empty = createContentHasher('git-sha1', 0);
    await hashFileInto(empty, path, 0);
    expect(empty.digest()).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    writeFileSync(path, 'hello\n');
    expect(await hashFile(path, 'sha256', 6)).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  });

  it('writes checksums with their algorithm', () => {
    expect(formatChecksum({ algorithm: 'sha256', value: 'ab' })).toBe('sha256:ab');
  });
});
