/**
 * Interrupted pulls: a connection cut mid-file or a cancelled pull keeps `<path>.incomplete`, and the next pull
 * continues it with a Range request from its size.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubError, MANIFEST_FILE, pullModel } from '../../packages/runtime/src/model/hub/index.js';
import { type FakeHub, type FakeHubFaults, folderDigests, startFakeHub } from './fake-hub.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STORIES = resolve(ROOT, '../shared/models/stories260K');
const REPO = 'karpathy/stories260K';
const MODEL = 'onnx/model.onnx';
const MODEL_SIZE = statSync(join(STORIES, MODEL)).size;
const SOURCE = folderDigests(STORIES);

let hub: FakeHub | undefined;
let dir: string;
let destination: string;

async function serve(faults: FakeHubFaults): Promise<FakeHub> {
  hub = await startFakeHub({ repos: { [REPO]: { root: STORIES, lfsThreshold: 100_000 } }, faults });
  return hub;
}

const downloaded = () => folderDigests(destination, { except: (path) => path === MANIFEST_FILE });
const modelRequests = (fake: FakeHub) => fake.downloads().filter((request) => request.path.endsWith(MODEL));

async function failure(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'groundwork-resume-'));
  destination = join(dir, 'model');
});

afterEach(async () => {
  await hub?.close();
  hub = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('pullModel: resuming', () => {
  it('fails when the connection breaks mid-file, then resumes from the partial size', async () => {
    const fake = await serve({ cut: [{ path: MODEL, afterBytes: 400_000 }] });
    const error = await failure(pullModel({ repo: REPO, destination, baseUrl: fake.url }));
    expect(error.code).toBe('network');
    expect(error.path).toBe(MODEL);
    expect(error.message).toContain(MODEL);
    expect(existsSync(join(destination, MODEL))).toBe(false);
    const partial = statSync(join(destination, `${MODEL}.incomplete`)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThanOrEqual(400_000);

    const result = await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    const [first, second] = modelRequests(fake);
    expect(first?.range).toBeUndefined();
    expect(second?.range).toBe(`bytes=${partial}-`);
    expect(modelRequests(fake)).toHaveLength(2);
    expect(downloaded()).toEqual(SOURCE);
    expect(existsSync(join(destination, `${MODEL}.incomplete`))).toBe(false);
    // Only what was missing crossed the wire the second time.
    expect(result.files.find((file) => file.path === MODEL)?.skipped).toBe(false);
    expect(result.downloadedBytes).toBe(MODEL_SIZE - partial);
  });

  it('keeps what arrived when a body ends early without an error, and resumes from it', async () => {
    const fake = await serve({ short: [{ path: MODEL }] });
    const error = await failure(pullModel({ repo: REPO, destination, baseUrl: fake.url }));
    const half = MODEL_SIZE >> 1;
    expect(error.code).toBe('size');
    expect(error.message).toBe(
      `${MODEL} ended early: expected ${MODEL_SIZE} bytes, got ${half}; run the pull again to resume it`,
    );
    expect(statSync(join(destination, `${MODEL}.incomplete`)).size).toBe(half);

    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(modelRequests(fake).map((request) => request.range)).toEqual([undefined, `bytes=${half}-`]);
    expect(downloaded()).toEqual(SOURCE);
  });

  it('keeps the Range header across the redirect to the CDN', async () => {
    const fake = await serve({ cut: [{ path: MODEL, afterBytes: 300_000 }], redirect: 'lfs' });
    await failure(pullModel({ repo: REPO, destination, baseUrl: fake.url }));
    const partial = statSync(join(destination, `${MODEL}.incomplete`)).size;

    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    const resumed = modelRequests(fake).filter((request) => request.range !== undefined);
    expect(resumed.map((request) => request.path)).toEqual([
      `/${REPO}/resolve/main/${MODEL}`,
      `/cdn/${REPO}/main/${MODEL}`,
    ]);
    expect(resumed.every((request) => request.range === `bytes=${partial}-`)).toBe(true);
    expect(downloaded()).toEqual(SOURCE);
  });

  it('starts over when the server answers a Range request with the whole file', async () => {
    const fake = await serve({ cut: [{ path: MODEL, afterBytes: 300_000 }], ignoreRange: true });
    await failure(pullModel({ repo: REPO, destination, baseUrl: fake.url }));
    const result = await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(modelRequests(fake)[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(downloaded()).toEqual(SOURCE);
    expect(result.downloadedBytes).toBeGreaterThanOrEqual(MODEL_SIZE);
  });

  it('throws away a partial that is not a prefix of the file (another revision) and downloads it again', async () => {
    const fake = await serve({});
    mkdirSync(join(destination, 'onnx'), { recursive: true });
    writeFileSync(join(destination, `${MODEL}.incomplete`), Buffer.alloc(1000, 7));
    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(modelRequests(fake).map((request) => request.range)).toEqual(['bytes=1000-', undefined]);
    expect(downloaded()).toEqual(SOURCE);
  });

  it('completes a partial that already holds the whole file without downloading it', async () => {
    const fake = await serve({});
    mkdirSync(join(destination, 'onnx'), { recursive: true });
    writeFileSync(join(destination, `${MODEL}.incomplete`), readFileSync(join(STORIES, MODEL)));
    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(modelRequests(fake)).toEqual([]);
    expect(downloaded()).toEqual(SOURCE);
  });

  it('stops on the AbortSignal with a cancelled error, keeping the partial for the next pull', async () => {
    const fake = await serve({});
    const controller = new AbortController();
    const error = await failure(
      pullModel({
        repo: REPO,
        destination,
        baseUrl: fake.url,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.type === 'file-progress' && event.path === MODEL && event.bytes > 0) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('cancelled');
    expect(existsSync(join(destination, MODEL))).toBe(false);
    const partial = statSync(join(destination, `${MODEL}.incomplete`)).size;
    expect(partial).toBeGreaterThan(0);

    await pullModel({ repo: REPO, destination, baseUrl: fake.url });
    expect(modelRequests(fake).at(-1)?.range).toBe(`bytes=${partial}-`);
    expect(downloaded()).toEqual(SOURCE);
  });

  it('does not start when the signal is already aborted', async () => {
    const fake = await serve({});
    const error = await failure(pullModel({ repo: REPO, destination, baseUrl: fake.url, signal: AbortSignal.abort() }));
    expect(error.code).toBe('cancelled');
    expect(fake.requests).toEqual([]);
  });
});
