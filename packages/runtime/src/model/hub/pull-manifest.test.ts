import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, PullManifest } from './pull-manifest.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'groundwork-manifest-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = { oid: 'sha256:aa', size: 3, mtimeMs: 1000.5 };

describe('PullManifest', () => {
  it('trusts a file only with the same checksum, size and mtime', async () => {
    const manifest = await PullManifest.load(dir, 'o/n', 'main');
    await manifest.record('a.bin', entry);
    const again = await PullManifest.load(dir, 'o/n', 'main');
    expect(again.isVerified('a.bin', 'sha256:aa', 3, 1000.5)).toBe(true);
    expect(again.isVerified('a.bin', 'sha256:bb', 3, 1000.5)).toBe(false);
    expect(again.isVerified('a.bin', 'sha256:aa', 4, 1000.5)).toBe(false);
    expect(again.isVerified('a.bin', 'sha256:aa', 3, 2000)).toBe(false);
    expect(again.isVerified('b.bin', 'sha256:aa', 3, 1000.5)).toBe(false);
  });

  it('keeps every concurrent record', async () => {
    const manifest = await PullManifest.load(dir, 'o/n', 'main');
    await Promise.all(['a', 'b', 'c', 'd'].map((path) => manifest.record(path, entry)));
    const document = JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
    expect(document).toEqual({
      schemaVersion: 1,
      repo: 'o/n',
      revision: 'main',
      files: { a: entry, b: entry, c: entry, d: entry },
    });
  });

  it.each([
    ['not JSON', '{'],
    ['another schema version', JSON.stringify({ schemaVersion: 2, files: { 'a.bin': entry } })],
    ['a malformed entry', JSON.stringify({ schemaVersion: 1, files: { 'a.bin': { oid: 'sha256:aa' } } })],
  ])('starts empty from %s', async (_, text) => {
    writeFileSync(join(dir, MANIFEST_FILE), text);
    const manifest = await PullManifest.load(dir, 'o/n', 'main');
    expect(manifest.isVerified('a.bin', 'sha256:aa', 3, 1000.5)).toBe(false);
  });
});
