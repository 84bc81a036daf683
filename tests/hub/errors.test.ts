/** How pullModel fails: what it says, and what it leaves on disk. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HubError, type PullOptions, pullModel } from '../../packages/runtime/src/model/hub/index.js';
import { type FakeHub, type FakeHubFaults, gitBlobSha1, sha256, startFakeHub } from './fake-hub.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STORIES = resolve(ROOT, '../shared/models/stories260K');
const REPO = 'karpathy/stories260K';
const MODEL = 'onnx/model.onnx';

let hub: FakeHub | undefined;
let dir: string;
let destination: string;

async function serve(faults: FakeHubFaults = {}, token?: string): Promise<FakeHub> {
  hub = await startFakeHub({
    repos: { [REPO]: { root: STORIES, lfsThreshold: 100_000, ...(token ? { token } : {}) } },
    faults,
  });
  return hub;
}

async function pullError(options: Partial<PullOptions> & { baseUrl: string }): Promise<HubError> {
  const error = await pullModel({ repo: REPO, destination, ...options }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'groundwork-hub-errors-'));
  destination = join(dir, 'model');
});

afterEach(async () => {
  await hub?.close();
  hub = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('pullModel: verification', () => {
  it('rejects a corrupted LFS file by its SHA-256, naming the file, and keeps neither it nor a partial', async () => {
    const fake = await serve({ corrupt: [{ path: MODEL }] });
    const error = await pullError({ baseUrl: fake.url });
    const expected = sha256(readFileSync(join(STORIES, MODEL)));
    expect(error.code).toBe('checksum');
    expect(error.path).toBe(MODEL);
    expect(error.message).toMatch(
      new RegExp(`^${MODEL} is corrupt: expected sha256:${expected}, got sha256:[0-9a-f]{64}$`),
    );
    expect(existsSync(join(destination, MODEL))).toBe(false);
    expect(existsSync(join(destination, `${MODEL}.incomplete`))).toBe(false);
  });

  it('rejects a corrupted plain file by its git blob SHA-1', async () => {
    const fake = await serve({ corrupt: [{ path: 'tokenizer.json' }] });
    const error = await pullError({ baseUrl: fake.url });
    const expected = gitBlobSha1(readFileSync(join(STORIES, 'tokenizer.json')));
    expect(error.code).toBe('checksum');
    expect(error.message).toContain(`tokenizer.json is corrupt: expected git-sha1:${expected}, got git-sha1:`);
    expect(existsSync(join(destination, 'tokenizer.json'))).toBe(false);
  });

  it('rejects a file longer than listed, with the sizes', async () => {
    const fake = await serve({ oversize: [{ path: 'config.json' }] });
    const error = await pullError({ baseUrl: fake.url });
    const size = readFileSync(join(STORIES, 'config.json')).length;
    expect(error.code).toBe('size');
    expect(error.message).toContain(`config.json has the wrong size: expected ${size} bytes, got at least`);
    expect(readdirSync(destination).filter((name) => name.startsWith('config.json'))).toEqual([]);
  });
});

describe('pullModel: what the hub refuses', () => {
  it('names a missing repository, the revision and the hub', async () => {
    const fake = await serve();
    const error = await pullError({ baseUrl: fake.url, repo: 'nobody/missing' });
    expect(error.code).toBe('not-found');
    expect(error.message).toContain(`no model nobody/missing at revision main on ${fake.url}`);
    expect(existsSync(destination)).toBe(false);
  });

  it('names a missing revision', async () => {
    const fake = await serve();
    const error = await pullError({ baseUrl: fake.url, revision: 'v9' });
    expect(error.code).toBe('not-found');
    expect(error.message).toContain(`no model ${REPO} at revision v9 on ${fake.url}`);
  });

  it('says a token may be needed when a private repository answers 401', async () => {
    const fake = await serve({}, 'hf_secret');
    const error = await pullError({ baseUrl: fake.url });
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain(`refused access to ${REPO} (401`);
    expect(error.message).toContain('set HF_TOKEN');
  });

  it('says the token does not give access when it is refused', async () => {
    const fake = await serve({}, 'hf_secret');
    const error = await pullError({ baseUrl: fake.url, token: 'hf_wrong' });
    expect(error.code).toBe('unauthorized');
    expect(error.message).toContain('the token in HF_TOKEN does not give access');
  });

  it('reports an unreachable hub as a network error', async () => {
    const fake = await serve();
    const url = fake.url;
    await fake.close();
    hub = undefined;
    const error = await pullError({ baseUrl: url });
    expect(error.code).toBe('network');
    expect(error.message).toContain(`cannot reach ${url}`);
    expect(error.message).toContain('ECONNREFUSED');
  });
});
