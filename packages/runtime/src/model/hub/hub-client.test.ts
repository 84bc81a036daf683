import { describe, expect, it } from 'vitest';
import { HubClient, isSafeRepoPath } from './hub-client.js';
import { HubError } from './hub-error.js';

const SHA1 = 'a'.repeat(40);
const SHA256 = 'b'.repeat(64);

interface Call {
  url: string;
  headers: Record<string, string>;
}

/** A fetch answering from a table of URL → Response factories, recording what was asked. */
function stubFetch(answers: Record<string, () => Response>) {
  const calls: Call[] = [];
  const fetch = (async (input: URL | string, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, headers: (init?.headers ?? {}) as Record<string, string> });
    const answer = answers[url];
    if (!answer)
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    return answer();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const json =
  (body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } });
const status =
  (code: number, headers: Record<string, string> = {}) =>
  () =>
    new Response('{}', { status: code, headers });

const BASE = 'https://hub.test';
const TREE = `${BASE}/api/models/o/n/tree/main?recursive=true`;

async function rejection(promise: Promise<unknown>): Promise<HubError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

describe('HubClient.listFiles', () => {
  it('reads files (plain and LFS), drops folders, follows relative and absolute next links', async () => {
    const { fetch, calls } = stubFetch({
      [TREE]: json(
        [
          { type: 'directory', path: 'onnx', size: 0, oid: SHA1 },
          { type: 'file', path: 'config.json', size: 10, oid: SHA1 },
        ],
        { link: '</api/models/o/n/tree/main?recursive=true&cursor=x>; rel="next"' },
      ),
      [`${TREE}&cursor=x`]: json(
        [
          {
            type: 'file',
            path: 'onnx/model.onnx',
            size: 134,
            oid: SHA1,
            lfs: { oid: SHA256, size: 5000, pointerSize: 134 },
          },
        ],
        { link: `<${TREE}&cursor=y>; rel="next", <${TREE}>; rel="first"` },
      ),
      [`${TREE}&cursor=y`]: json([], { link: `<${TREE}>; rel="first"` }),
    });
    const files = await new HubClient({ baseUrl: `${BASE}/`, fetch }).listFiles('o/n', 'main');
    expect(files).toEqual([
      { path: 'config.json', size: 10, checksum: { algorithm: 'git-sha1', value: SHA1 }, lfs: false },
      // The LFS size and SHA-256 describe the content; the top-level oid is the pointer's.
      { path: 'onnx/model.onnx', size: 5000, checksum: { algorithm: 'sha256', value: SHA256 }, lfs: true },
    ]);
    expect(calls.map((call) => call.url)).toEqual([TREE, `${TREE}&cursor=x`, `${TREE}&cursor=y`]);
  });

  it('encodes a revision holding a slash, and sends the token', async () => {
    const url = `${BASE}/api/models/o/n/tree/refs%2Fpr%2F1?recursive=true`;
    const { fetch, calls } = stubFetch({ [url]: json([]) });
    await new HubClient({ baseUrl: BASE, token: 'hf_x', fetch }).listFiles('o/n', 'refs/pr/1');
    expect(calls[0]?.headers.authorization).toBe('Bearer hf_x');
  });

  it('refuses a next link to another host, which would receive the token', async () => {
    const { fetch } = stubFetch({ [TREE]: json([], { link: '<https://elsewhere.test/x>; rel="next"' }) });
    const error = await rejection(new HubClient({ baseUrl: BASE, fetch }).listFiles('o/n', 'main'));
    expect(error.code).toBe('bad-response');
    expect(error.message).toContain('another host');
  });

  it('refuses pagination that loops', async () => {
    const { fetch } = stubFetch({ [TREE]: json([], { link: `<${TREE}>; rel="next"` }) });
    expect((await rejection(new HubClient({ baseUrl: BASE, fetch }).listFiles('o/n', 'main'))).code).toBe(
      'bad-response',
    );
  });

  it.each([['../evil'], ['onnx/../../evil'], ['/etc/passwd'], ['a\\b'], ['C:/x'], ['a//b']])(
    'refuses the path %s, which would leave the destination',
    async (path) => {
      const { fetch } = stubFetch({ [TREE]: json([{ type: 'file', path, size: 1, oid: SHA1 }]) });
      const error = await rejection(new HubClient({ baseUrl: BASE, fetch }).listFiles('o/n', 'main'));
      expect(error.code).toBe('bad-response');
      expect(error.message).toContain(JSON.stringify(path));
    },
  );

  it.each([
    ['not an array', { files: [] }],
    ['a bad oid', [{ type: 'file', path: 'a', size: 1, oid: 'xyz' }]],
    ['a negative size', [{ type: 'file', path: 'a', size: -1, oid: SHA1 }]],
    ['a bad LFS oid', [{ type: 'file', path: 'a', size: 1, oid: SHA1, lfs: { oid: SHA1, size: 1 } }]],
  ])('refuses a listing with %s', async (_, body) => {
    const { fetch } = stubFetch({ [TREE]: json(body) });
    expect((await rejection(new HubClient({ baseUrl: BASE, fetch }).listFiles('o/n', 'main'))).code).toBe(
      'bad-response',
    );
  });

  it.each([
    [404, {}, 'not-found', `no model o/n at revision main on ${BASE}`],
    [401, {}, 'unauthorized', 'a token is needed: set HF_TOKEN'],
    [403, { 'x-error-code': 'GatedRepo' }, 'unauthorized', 'o/n is gated (403): accept its conditions'],
    [429, {}, 'network', 'answered 429'],
    [503, {}, 'network', 'answered 503 for the file list of o/n at revision main; try again later'],
    [
      400,
      { 'x-error-message': 'Invalid rev' },
      'bad-response',
      'answered 400 for the file list of o/n at revision main (Invalid rev)',
    ],
  ])('maps %i to %s', async (code, headers, expected, message) => {
    const { fetch } = stubFetch({ [TREE]: status(code, headers) });
    const error = await rejection(new HubClient({ baseUrl: BASE, fetch }).listFiles('o/n', 'main'));
    expect(error.code).toBe(expected);
    expect(error.message).toContain(message);
  });

  it('says why the hub cannot be reached', async () => {
    const { fetch } = stubFetch({});
    const error = await rejection(new HubClient({ baseUrl: BASE, fetch }).listFiles('o/n', 'main'));
    expect(error.code).toBe('network');
    expect(error.message).toBe(`cannot reach ${BASE}: fetch failed: connect (ECONNREFUSED)`);
  });
});

describe('HubClient.openDownload', () => {
  it('encodes each path segment and asks for the rest of a partial file', async () => {
    const url = `${BASE}/o/n/resolve/main/onnx/my%20model%23.onnx`;
    const { fetch, calls } = stubFetch({ [url]: () => new Response('x', { status: 206 }) });
    const response = await new HubClient({ baseUrl: BASE, fetch }).openDownload(
      { repo: 'o/n', revision: 'main', path: 'onnx/my model#.onnx' },
      42,
    );
    expect(response.status).toBe(206);
    expect(calls[0]?.headers.range).toBe('bytes=42-');
  });

  it('names the file the hub lists but cannot serve', async () => {
    const { fetch } = stubFetch({
      [`${BASE}/o/n/resolve/main/a.bin`]: status(404, { 'x-error-code': 'EntryNotFound' }),
    });
    const error = await rejection(
      new HubClient({ baseUrl: BASE, fetch }).openDownload({ repo: 'o/n', revision: 'main', path: 'a.bin' }, 0),
    );
    expect(error).toMatchObject({ code: 'not-found', path: 'a.bin' });
    expect(error.message).toContain('a.bin of o/n at revision main is listed but');
  });
});

describe('isSafeRepoPath', () => {
  it('accepts nested relative paths with dots in names', () => {
    expect(isSafeRepoPath('onnx/model.onnx_data')).toBe(true);
    expect(isSafeRepoPath('.gitattributes')).toBe(true);
    expect(isSafeRepoPath('a/..b/c')).toBe(true);
  });
});
