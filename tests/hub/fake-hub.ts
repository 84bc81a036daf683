/**
 * A local stand-in for the Hugging Face Hub: serves model folders in the hub's URL layout (the recursive tree
 * listing and `resolve` downloads with Range support), logs every request, and injects the faults a downloader
 * must survive.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative, sep } from 'node:path';

export interface FakeRepo {
  /** The one revision served; default `main`. */
  revision?: string;
  /** The folder served as the repository; read in place, never written. */
  root: string;
  /** Files larger than this are listed as LFS files (SHA-256); default 10 MiB, the hub's limit for plain git files. */
  lfsThreshold?: number;
  /** When set the repository is private: requests need `Authorization: Bearer <token>`. */
  token?: string;
}

export interface FileFault {
  /** Default: every repository. */
  repo?: string;
  path: string;
}

export interface FakeHubFaults {
  /** Close the connection after this many body bytes, the first time each of these files is served. */
  cut?: (FileFault & { afterBytes: number })[];
  /** End the body cleanly halfway (chunked, no Content-Length), the first time each of these files is served. */
  short?: FileFault[];
  /** Serve these files with one byte changed (same size), every time. */
  corrupt?: FileFault[];
  /** Serve these files with extra bytes at the end (and a Content-Length to match), every time. */
  oversize?: FileFault[];
  /** Tree listings in pages of this many entries, linked by `Link: <...>; rel="next"` as the hub does. */
  treePageSize?: number;
  /** Redirect resolve requests to `/cdn/...` (as the hub sends LFS files to its CDN): every file, or only LFS ones. */
  redirect?: 'all' | 'lfs';
  /** Answer Range requests with 200 and the whole file, as servers without range support do. */
  ignoreRange?: boolean;
}

export interface LoggedRequest {
  method: string;
  /** Decoded path without the query. */
  path: string;
  query: string;
  range: string | undefined;
  authorization: string | undefined;
}

export interface FakeHub {
  url: string;
  requests: LoggedRequest[];
  /** The `resolve` and `/cdn/` requests: the downloads. */
  downloads(): LoggedRequest[];
  close(): Promise<void>;
}

interface TreeEntry {
  type: 'file' | 'directory';
  path: string;
  size: number;
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

interface ServedRepo {
  id: string;
  revision: string;
  root: string;
  token: string | undefined;
  entries: TreeEntry[];
}

export async function startFakeHub(options: {
  repos: Record<string, FakeRepo>;
  faults?: FakeHubFaults;
}): Promise<FakeHub> {
  const faults = options.faults ?? {};
  const repos = new Map<string, ServedRepo>();
  for (const [id, repo] of Object.entries(options.repos)) {
    repos.set(id, {
      id,
      revision: repo.revision ?? 'main',
      root: repo.root,
      token: repo.token,
      entries: treeEntries(repo.root, repo.lfsThreshold ?? 10 * 1024 * 1024),
    });
  }
  const requests: LoggedRequest[] = [];
  const cutDone = new Set<string>();
  const shortDone = new Set<string>();
  let base = '';

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', base);
    const path = decodeURIComponent(url.pathname);
    requests.push({
      method: request.method ?? 'GET',
      path,
      query: url.search,
      range: request.headers.range,
      authorization: request.headers.authorization,
    });
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(path);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    const cdn = /^\/cdn\/([^/]+\/[^/]+)\/([^/]+)\/(.+)$/.exec(path);
    const match = tree ?? resolve ?? cdn;
    if (!match) return error(response, 404, 'EntryNotFound', 'Not found');
    const repo = repos.get(match[1]!);
    if (!repo) return error(response, 404, 'RepoNotFound', 'Repository not found');
    // As the hub does, a private repository looks missing to a request without a token, refused with a wrong one.
    if (repo.token && request.headers.authorization === undefined) {
      return error(response, 401, 'RepoNotFound', 'Repository not found');
    }
    if (repo.token && request.headers.authorization !== `Bearer ${repo.token}`) {
      return error(response, 401, undefined, 'Invalid credentials in Authorization header');
    }
    if (match[2] !== repo.revision) return error(response, 404, 'RevisionNotFound', 'Invalid rev id');
    if (tree) return listTree(repo, url, response);
    const entry = repo.entries.find((candidate) => candidate.type === 'file' && candidate.path === match[3]);
    if (!entry) return error(response, 404, 'EntryNotFound', 'Entry not found');
    if (resolve && (faults.redirect === 'all' || (faults.redirect === 'lfs' && entry.lfs))) {
      response.writeHead(302, { location: `${base}/cdn/${repo.id}/${repo.revision}/${encodePath(entry.path)}` });
      return response.end();
    }
    serveFile(repo, entry, request, response);
  };

  const listTree = (repo: ServedRepo, url: URL, response: ServerResponse) => {
    const recursive = url.searchParams.get('recursive') === 'true';
    const entries = recursive ? repo.entries : repo.entries.filter((entry) => !entry.path.includes('/'));
    const size = faults.treePageSize ?? entries.length;
    const start = Number(url.searchParams.get('cursor') ?? '0');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (start + size < entries.length) {
      const next = new URL(url);
      next.searchParams.set('cursor', String(start + size));
      headers.link = `<${next.href}>; rel="next"`;
    }
    response.writeHead(200, headers);
    response.end(JSON.stringify(entries.slice(start, start + size)));
  };

  const serveFile = (repo: ServedRepo, entry: TreeEntry, request: IncomingMessage, response: ServerResponse) => {
    const applies = (fault: FileFault) => fault.path === entry.path && (fault.repo ?? repo.id) === repo.id;
    let content = readFileSync(join(repo.root, ...entry.path.split('/')));
    if (faults.corrupt?.some(applies)) {
      content = Buffer.from(content);
      content[content.length >> 1] ^= 0xff;
    }
    if (faults.oversize?.some(applies)) content = Buffer.concat([content, Buffer.from('extra bytes')]);
    const headers: Record<string, string | number> = {
      'accept-ranges': 'bytes',
      'content-type': 'application/octet-stream',
      etag: `"${entry.lfs?.oid ?? entry.oid}"`,
    };
    let status = 200;
    let body = content;
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
    if (range && !faults.ignoreRange) {
      const first = Number(range[1]);
      const last = range[2] ? Math.min(Number(range[2]), content.length - 1) : content.length - 1;
      if (first >= content.length) {
        response.writeHead(416, { 'content-range': `bytes */${content.length}` });
        return response.end();
      }
      status = 206;
      body = content.subarray(first, last + 1);
      headers['content-range'] = `bytes ${first}-${last}/${content.length}`;
    }
    const key = `${repo.id}/${entry.path}`;
    if (faults.short?.some(applies) && !shortDone.has(key)) {
      shortDone.add(key);
      response.writeHead(status, headers);
      response.end(body.subarray(0, body.length >> 1));
      return;
    }
    headers['content-length'] = body.length;
    response.writeHead(status, headers);
    const cut = faults.cut?.find(applies);
    if (cut && !cutDone.has(key) && cut.afterBytes < body.length) {
      cutDone.add(key);
      // Give the client time to read what was sent, so that the partial file really holds it.
      response.write(body.subarray(0, cut.afterBytes), () => setTimeout(() => request.socket.destroy(), 200));
      return;
    }
    response.end(body);
  };

  const server = createServer((request, response) => {
    try {
      handle(request, response);
    } catch (caught) {
      response.writeHead(500).end(String(caught));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    downloads: () => requests.filter((request) => /^\/[^/]+\/[^/]+\/resolve\/|^\/cdn\//.test(request.path)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
      }),
  };
}

function error(response: ServerResponse, status: number, code: string | undefined, message: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-error-message': message };
  if (code) headers['x-error-code'] = code;
  response.writeHead(status, headers);
  response.end(JSON.stringify({ error: message }));
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The recursive tree listing of a folder, with the oids the hub computes: git blob SHA-1, LFS SHA-256. */
export function treeEntries(root: string, lfsThreshold: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  const walk = (folder: string) => {
    for (const item of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, item.name);
      const path = relative(root, full).split(sep).join('/');
      if (item.isDirectory()) {
        entries.push({ type: 'directory', path, size: 0, oid: createHash('sha1').update(path).digest('hex') });
        walk(full);
      } else if (item.isFile()) {
        entries.push(fileEntry(path, readFileSync(full), lfsThreshold));
      }
    }
  };
  walk(root);
  return entries;
}

export function gitBlobSha1(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

function fileEntry(path: string, content: Buffer, lfsThreshold: number): TreeEntry {
  if (content.length <= lfsThreshold) return { type: 'file', path, size: content.length, oid: gitBlobSha1(content) };
  const digest = sha256(content);
  // In git the file is an LFS pointer; its blob id is the entry's oid, the content's SHA-256 is lfs.oid.
  const pointer = Buffer.from(
    `version https://git-lfs.github.com/spec/v1\noid sha256:${digest}\nsize ${content.length}\n`,
  );
  return {
    type: 'file',
    path,
    size: content.length,
    oid: gitBlobSha1(pointer),
    lfs: { oid: digest, size: content.length, pointerSize: pointer.length },
  };
}

/** SHA-256 of every file under a folder by `/`-separated relative path: to compare a download with its source. */
export function folderDigests(
  root: string,
  options: { except?: (path: string) => boolean } = {},
): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const entry of treeEntries(root, Number.POSITIVE_INFINITY)) {
    if (entry.type === 'file' && !options.except?.(entry.path)) {
      digests[entry.path] = sha256(readFileSync(join(root, ...entry.path.split('/'))));
    }
  }
  return digests;
}
