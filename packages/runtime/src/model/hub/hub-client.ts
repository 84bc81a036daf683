import type { Checksum } from './checksums.js';
import { HubError } from './hub-error.js';

export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** A file of a repository at one revision, as the hub lists it. */
export interface RepoFile {
  /** `/`-separated, relative to the repository root; checked to stay inside it. */
  path: string;
  size: number;
  /** What the downloaded content must hash to. */
  checksum: Checksum;
  /** Stored with git LFS (large files); the hub then redirects downloads to its CDN. */
  lfs: boolean;
}

export interface HubClientOptions {
  /** Default https://huggingface.co; a mirror or a test server in the hub's URL layout. */
  baseUrl?: string | undefined;
  /** Sent as `Authorization: Bearer`; private and gated repositories need one. */
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
}

/** What a download request names; repository and revision also make the error messages. */
export interface FileRequest {
  repo: string;
  revision: string;
  path: string;
}

/**
 * The two hub endpoints a pull needs: the recursive tree listing and `resolve` downloads. Answers are mapped to
 * HubError; nothing here touches the disk.
 */
export class HubClient {
  readonly baseUrl: string;
  readonly #token: string | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: HubClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
    this.#token = options.token || undefined;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Every file of the repository at the revision, following the `Link: rel="next"` pages. */
  async listFiles(repo: string, revision: string, signal?: AbortSignal): Promise<RepoFile[]> {
    const files: RepoFile[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = new URL(
      `${this.baseUrl}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`,
    );
    const where = `${repo} at revision ${revision}`;
    while (url) {
      // A next link that loops or leaves the hub would never end or would receive the token.
      if (seen.has(url.href))
        throw new HubError('bad-response', `${this.baseUrl} paginates the files of ${where} in a loop`);
      seen.add(url.href);
      const response = await this.#request(url, {}, signal);
      if (!response.ok) throw this.#answerError(response, { repo, revision });
      let page: unknown;
      try {
        page = await response.json();
      } catch (error) {
        throw this.#bodyError(error, signal, `the file list of ${where} from ${this.baseUrl} is not JSON`);
      }
      if (!Array.isArray(page)) {
        throw new HubError('bad-response', `the file list of ${where} from ${this.baseUrl} is not a JSON array`);
      }
      for (const entry of page) {
        const file = parseTreeEntry(entry, where);
        if (file) files.push(file);
      }
      url = nextPage(response, url);
      if (url && url.origin !== new URL(this.baseUrl).origin) {
        throw new HubError('bad-response', `${this.baseUrl} points the next page of ${where} to another host`);
      }
    }
    return files;
  }

  /**
   * Opens a download of the file from byte `offset` on. The answer is 200 (the whole file: the server ignored the
   * range), 206 (from offset) or 416 (offset is past the end); anything else becomes a HubError.
   */
  async openDownload(file: FileRequest, offset: number, signal?: AbortSignal): Promise<Response> {
    const path = file.path.split('/').map(encodeURIComponent).join('/');
    const url = new URL(`${this.baseUrl}/${file.repo}/resolve/${encodeURIComponent(file.revision)}/${path}`);
    const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
    const response = await this.#request(url, headers, signal);
    if (response.ok || response.status === 416) return response;
    throw this.#answerError(response, file);
  }

  async #request(url: URL, headers: Record<string, string>, signal: AbortSignal | undefined): Promise<Response> {
    const all: Record<string, string> = { 'user-agent': 'groundwork', ...headers };
    // fetch drops the header itself when a redirect leaves the origin (the hub's CDN URLs are signed instead).
    if (this.#token) all.authorization = `Bearer ${this.#token}`;
    try {
      return await this.#fetch(url, { headers: all, redirect: 'follow', ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) throw cancelled(signal);
      throw new HubError('network', `cannot reach ${this.baseUrl}: ${describeCause(error)}`, { cause: error });
    }
  }

  #bodyError(error: unknown, signal: AbortSignal | undefined, message: string): HubError {
    if (signal?.aborted) return cancelled(signal);
    if (error instanceof SyntaxError) return new HubError('bad-response', message, { cause: error });
    return new HubError('network', `${message}: ${describeCause(error)}`, { cause: error });
  }

  #answerError(response: Response, subject: { repo: string; revision: string; path?: string }): HubError {
    // Drop the body unread so the connection can be reused; only the status and the hub's headers matter here.
    response.body?.cancel().catch(() => {});
    const { repo, revision, path } = subject;
    const hubCode = response.headers.get('x-error-code');
    const hubMessage = response.headers.get('x-error-message');
    const { status } = response;
    const detail = hubMessage ? ` (${hubMessage})` : '';
    if (status === 401 || status === 403) {
      const answer = hubMessage ? `${status}: ${hubMessage}` : String(status);
      let message: string;
      if (hubCode === 'GatedRepo') {
        message = `${repo} is gated (${answer}): accept its conditions on its hub page, then set HF_TOKEN to an access token of that account`;
      } else if (this.#token) {
        message = `${this.baseUrl} refused access to ${repo} (${answer}): the token in HF_TOKEN does not give access to it; check that it is valid and can read this repository`;
      } else {
        // The hub answers 401 for missing repositories too, so as not to reveal which private ones exist.
        message = `${this.baseUrl} refused access to ${repo} (${answer}): it does not exist, or it is private or gated and a token is needed: set HF_TOKEN to an access token that can read it`;
      }
      return new HubError('unauthorized', message);
    }
    if (status === 404) {
      const message =
        path === undefined || hubCode === 'RepoNotFound' || hubCode === 'RevisionNotFound'
          ? `no model ${repo} at revision ${revision} on ${this.baseUrl}`
          : `${path} of ${repo} at revision ${revision} is listed but ${this.baseUrl} has no such file`;
      return new HubError('not-found', `${message}${detail}`, path === undefined ? {} : { path });
    }
    const what = path === undefined ? `the file list of ${repo} at revision ${revision}` : `${path} of ${repo}`;
    if (status === 429 || status >= 500) {
      return new HubError('network', `${this.baseUrl} answered ${status} for ${what}${detail}; try again later`, {
        ...(path === undefined ? {} : { path }),
      });
    }
    return new HubError('bad-response', `${this.baseUrl} answered ${status} for ${what}${detail}`, {
      ...(path === undefined ? {} : { path }),
    });
  }
}

export function cancelled(signal: AbortSignal): HubError {
  const reason = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
  return new HubError('cancelled', `the download was cancelled${reason}`, { cause: signal.reason });
}

/** undici reports "fetch failed" / "terminated" and keeps what happened (ECONNREFUSED, other side closed) in cause. */
export function describeCause(error: unknown): string {
  const messages: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && messages.length < 4) {
    const code = (current as NodeJS.ErrnoException).code;
    messages.push(code && !current.message.includes(code) ? `${current.message} (${code})` : current.message);
    current = current.cause;
  }
  return messages.length > 0 ? messages.join(': ') : String(error);
}

function nextPage(response: Response, current: URL): URL | undefined {
  const link = response.headers.get('link');
  if (!link) return undefined;
  for (const part of link.split(',')) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(?:^|;)\s*rel="?next"?\s*(?:;|$)/.test(match[2]!)) return new URL(match[1]!, current);
  }
  return undefined;
}

const SHA1 = /^[0-9a-f]{40}$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** A file entry of the tree listing, or undefined for a folder; anything malformed or unsafe is a bad response. */
function parseTreeEntry(entry: unknown, where: string): RepoFile | undefined {
  const bad = (why: string) => new HubError('bad-response', `the file list of ${where} has ${why}`);
  if (typeof entry !== 'object' || entry === null) throw bad('an entry that is not an object');
  const { type, path, size, oid, lfs } = entry as Record<string, unknown>;
  if (type === 'directory') return undefined;
  if (type !== 'file' || typeof path !== 'string') throw bad(`an entry that is not a file or folder`);
  if (!isSafeRepoPath(path)) throw bad(`a path that leaves the model folder: ${JSON.stringify(path)}`);
  if (lfs !== undefined && lfs !== null) {
    const { oid: sha256, size: lfsSize } = lfs as Record<string, unknown>;
    if (typeof sha256 !== 'string' || !SHA256.test(sha256) || !isSize(lfsSize))
      throw bad(`a bad LFS entry for ${path}`);
    return { path, size: lfsSize, checksum: { algorithm: 'sha256', value: sha256 }, lfs: true };
  }
  if (typeof oid !== 'string' || !SHA1.test(oid) || !isSize(size)) throw bad(`a bad entry for ${path}`);
  return { path, size, checksum: { algorithm: 'git-sha1', value: oid }, lfs: false };
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Relative, `/`-separated, no empty, `.` or `..` parts, no backslashes or NULs: the path stays in the folder. */
export function isSafeRepoPath(path: string): boolean {
  if (path === '' || path.includes('\\') || path.includes('\0') || path.startsWith('/')) return false;
  if (/^[A-Za-z]:/.test(path)) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}
