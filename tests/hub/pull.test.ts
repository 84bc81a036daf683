/**
 * pullModel against the fake hub serving the real stories260K folder: whole pulls, skipping verified files,
 * pagination, tokens and the progress it reports.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANIFEST_FILE, type PullProgress, pullModel } from '../../packages/runtime/src/model/hub/index.js';
import { type FakeHub, type FakeHubFaults, folderDigests, startFakeHub, treeEntries } from './fake-hub.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STORIES = resolve(ROOT, '../shared/models/stories260K');
const REPO = 'karpathy/stories260K';
/** model.onnx (1.2 MB) is then an LFS file, the JSON files plain git files: both checksum kinds are exercised. */
const LFS_THRESHOLD = 100_000;
const SOURCE = folderDigests(STORIES);
const FILE_COUNT = Object.keys(SOURCE).length;

let hub: FakeHub | undefined;
let dir: string;

async function serve(faults: FakeHubFaults = {}, token?: string): Promise<FakeHub> {
  hub = await startFakeHub({
    repos: { [REPO]: { root: STORIES, lfsThreshold: LFS_THRESHOLD, ...(token ? { token } : {}) } },
    faults,
  });
  return hub;
}

const downloaded = (destination: string) => folderDigests(destination, { except: (path) => path === MANIFEST_FILE });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'groundwork-pull-'));
});

afterEach(async () => {
  await hub?.close();
  hub = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('pullModel: a whole repository', () => {
  it('downloads every file byte for byte, LFS files through the CDN redirect', async () => {
    const fake = await serve({ redirect: 'lfs' });
    const destination = join(dir, 'stories260K');
    const result = await pullModel({ repo: REPO, destination, baseUrl: fake.url });

    expect(downloaded(destination)).toEqual(SOURCE);
    expect(result.destination).toBe(destination);
    expect(result.revision).toBe('main');
    expect(result.files.map((file) => file.path).sort()).toEqual(Object.keys(SOURCE).sort());
    expect(result.files.every((file) => !file.skipped)).toBe(true);
    expect(result.downloadedBytes).toBe(result.files.reduce((total, file) => total + file.size, 0));
    expect(fake.requests[0]).toMatchObject({ path: `/api/models/${REPO}/tree/main`, query: '?recursive=true' });
    // The LFS file went through the redirect; the plain files were served directly.
    const paths = fake.downloads().map((request) => request.path);
    expect(paths).toContain(`/${REPO}/resolve/main/onnx/model.onnx`);
    expect(paths).toContain(`/cdn/${REPO}/main/onnx/model.onnx`);
    expect(paths).not.toContain(`/cdn/${REPO}/main/config.json`);
    expect(existsSync(join(destination, 'onnx/model.onnx.incomplete'))).toBe(false);
  });

  it('records what it verified in the manifest', async () => {
    const fake = await serve();
    const destination = join(dir, 'model');
    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    const manifest = JSON.parse(readFileSync(join(destination, MANIFEST_FILE), 'utf8'));
    expect(manifest).toMatchObject({ schemaVersion: 1, repo: REPO, revision: 'main' });
    expect(manifest.files['onnx/model.onnx'].oid).toBe(`sha256:${SOURCE['onnx/model.onnx']}`);
    expect(manifest.files['config.json'].oid).toMatch(/^git-sha1:[0-9a-f]{40}$/);
    expect(Object.keys(manifest.files)).toHaveLength(FILE_COUNT);
  });

  it('skips the files a second pull finds verified, without a download request', async () => {
    const fake = await serve();
    const destination = join(dir, 'model');
    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    const before = fake.downloads().length;
    expect(before).toBe(FILE_COUNT);

    const second = await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(second.files.every((file) => file.skipped)).toBe(true);
    expect(second.downloadedBytes).toBe(0);
    expect(fake.downloads()).toHaveLength(before);
  });

  it('trusts the manifest rather than hashing gigabytes again: a recorded file with its size and mtime is not read', async () => {
    const fake = await serve();
    const destination = join(dir, 'model');
    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    // A whole-second mtime, which utimes can set back exactly; the next pull hashes the file and records it.
    const config = join(destination, 'config.json');
    const second = new Date('2025-01-01T00:00:00Z');
    utimesSync(config, second, second);
    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(statSync(config).mtimeMs).toBe(second.getTime());
    // Changed behind the manifest's back with size and mtime kept: only reading the file would tell.
    const text = readFileSync(config, 'utf8');
    writeFileSync(
      config,
      text.replace(/[0-9]/, (digit) => String((Number(digit) + 1) % 10)),
    );
    utimesSync(config, second, second);

    const third = await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(third.files.every((file) => file.skipped)).toBe(true);
    expect(readFileSync(config, 'utf8')).not.toBe(text);
  });

  it('hashes files it finds without a manifest once, and downloads only those that differ', async () => {
    const fake = await serve();
    const destination = join(dir, 'model');
    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    rmSync(join(destination, MANIFEST_FILE));
    // Same size, other content: only a hash tells.
    const config = join(destination, 'config.json');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(/[0-9]/, (digit) => String((Number(digit) + 1) % 10)),
    );
    const before = fake.downloads().length;

    const second = await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(second.files.filter((file) => !file.skipped).map((file) => file.path)).toEqual(['config.json']);
    expect(
      fake
        .downloads()
        .slice(before)
        .map((request) => request.path),
    ).toEqual([`/${REPO}/resolve/main/config.json`]);
    expect(downloaded(destination)).toEqual(SOURCE);
  });

  it('hashes a recorded file again when it changed since (new mtime), and replaces it', async () => {
    const fake = await serve();
    const destination = join(dir, 'model');
    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    const tokenizer = join(destination, 'tokenizer.json');
    const text = readFileSync(tokenizer, 'utf8');
    writeFileSync(tokenizer, `${text.slice(0, -1)}X`);
    utimesSync(tokenizer, new Date(), new Date(Date.now() + 5_000));

    const second = await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(second.files.find((file) => file.path === 'tokenizer.json')?.skipped).toBe(false);
    expect(downloaded(destination)).toEqual(SOURCE);
  });

  it('follows the tree listing across pages', async () => {
    const fake = await serve({ treePageSize: 3 });
    const destination = join(dir, 'model');
    const result = await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    const listings = fake.requests.filter((request) => request.path.startsWith('/api/'));
    const entries = treeEntries(STORIES, LFS_THRESHOLD).length;
    expect(listings).toHaveLength(Math.ceil(entries / 3));
    expect(listings[1]?.query).toContain('cursor=3');
    expect(result.files).toHaveLength(FILE_COUNT);
    expect(downloaded(destination)).toEqual(SOURCE);
  });

  it('sends the token as a bearer token, which a private repository needs', async () => {
    const fake = await serve({ redirect: 'all' }, 'hf_secret');
    const destination = join(dir, 'model');
    await pullModel({ repo: REPO, destination, baseUrl: fake.url, token: 'hf_secret' });
    expect(downloaded(destination)).toEqual(SOURCE);
    expect(fake.requests.every((request) => request.authorization === 'Bearer hf_secret')).toBe(true);
  });

  it('reports progress: the plan, growing byte counts and every file', async () => {
    const fake = await serve();
    const events: PullProgress[] = [];
    await pullModel({
      repo: REPO,
      destination: join(dir, 'model'),
      baseUrl: fake.url,
      onProgress: (e) => events.push(e),
    });

    const start = events[0];
    expect(start?.type).toBe('pull-start');
    if (start?.type !== 'pull-start') return;
    const total = Object.keys(SOURCE).reduce((sum, path) => sum + readFileSync(join(STORIES, path)).length, 0);
    expect(start.totalBytes).toBe(total);
    expect(start.files).toHaveLength(FILE_COUNT);
    const ends = events.filter((event) => event.type === 'file-end');
    expect(ends.map((event) => event.path).sort()).toEqual(Object.keys(SOURCE).sort());
    const model = events.filter((event) => event.type === 'file-progress' && event.path === 'onnx/model.onnx');
    const counts = model.map((event) => (event.type === 'file-progress' ? event.bytes : 0));
    expect(counts.length).toBeGreaterThan(1);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(readFileSync(join(STORIES, 'onnx/model.onnx')).length);
  });

  it('downloads one file at a time with concurrency 1', async () => {
    const fake = await serve();
    const events: PullProgress[] = [];
    await pullModel({
      repo: REPO,
      destination: join(dir, 'model'),
      baseUrl: fake.url,
      concurrency: 1,
      onProgress: (event) => events.push(event),
    });
    let active = 0;
    for (const event of events) {
      if (event.type === 'file-start') active++;
      if (event.type === 'file-end') active--;
      expect(active).toBeLessThanOrEqual(1);
    }
    expect(events.filter((event) => event.type === 'file-start')).toHaveLength(FILE_COUNT);
  });
});
