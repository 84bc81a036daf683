import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { formatChecksum, hashFile } from './checksums.js';
import { downloadFile } from './download-file.js';
import { type Dtype, isDtype, selectFiles } from './file-filter.js';
import { cancelled, HubClient, type RepoFile } from './hub-client.js';
import { PullManifest } from './pull-manifest.js';
import { checkRepoId } from './repo-id.js';

export const DEFAULT_REVISION = 'main';
/** Enough parallel files to fill a link when a repository has many small files, few enough not to thrash a disk. */
export const DEFAULT_PULL_CONCURRENCY = 4;

export interface PullOptions {
  /** `owner/name`. */
  repo: string;
  /** Branch, tag or commit; default `main`. */
  revision?: string | undefined;
  /** Globs on repository paths (`*`, `?` within a folder, `**` across); without include or dtype, every file. */
  include?: readonly string[] | undefined;
  /** Every non-ONNX file plus `onnx/model_<dtype>.onnx*` (fp32: `onnx/model.onnx*`); adds to include. */
  dtype?: Dtype | undefined;
  /** The folder to fill; created when missing. Files keep their repository paths inside it. */
  destination: string;
  /** Default https://huggingface.co. */
  baseUrl?: string | undefined;
  token?: string | undefined;
  /** Stops the pull; partial `.incomplete` files stay for the next pull to resume. */
  signal?: AbortSignal | undefined;
  /** Files downloading at once; default 4. */
  concurrency?: number | undefined;
  onProgress?: ((event: PullProgress) => void) | undefined;
  fetch?: typeof fetch | undefined;
}

export interface PulledFile {
  path: string;
  size: number;
  /** Already present and verified: nothing was downloaded. */
  skipped: boolean;
}

export interface PullResult {
  repo: string;
  revision: string;
  /** Absolute. */
  destination: string;
  /** In the hub's listing order. */
  files: PulledFile[];
  /** Bytes transferred by this pull (resumed parts and skipped files excluded). */
  downloadedBytes: number;
}

/** What a pull reports as it goes; `file-progress` comes once per chunk received, so listeners should be cheap. */
export type PullProgress =
  | {
      type: 'pull-start';
      repo: string;
      revision: string;
      destination: string;
      files: { path: string; size: number }[];
      totalBytes: number;
    }
  /** A download (re)starts; `offset` bytes are already on disk from an earlier, interrupted pull. */
  | { type: 'file-start'; path: string; size: number; offset: number }
  | { type: 'file-progress'; path: string; size: number; bytes: number }
  | { type: 'file-end'; path: string; size: number; skipped: boolean };

/**
 * Downloads a model repository (or the selected part of it) from the hub into a folder: several files at once,
 * each streamed to `<path>.incomplete`, resumed with a Range request after an interruption, checked against the
 * size and checksum the hub lists, then renamed into place. Files verified by an earlier pull are skipped.
 * Throws HubError; on the first failure the other downloads stop too, keeping their partial files.
 */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const { repo, onProgress } = options;
  const badRepo = checkRepoId(repo);
  if (badRepo) throw new TypeError(badRepo);
  if (options.dtype !== undefined && !isDtype(options.dtype)) throw new TypeError(`unknown dtype "${options.dtype}"`);
  const concurrency = options.concurrency ?? DEFAULT_PULL_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new TypeError('concurrency must be 1 or more');
  const revision = options.revision ?? DEFAULT_REVISION;
  const destination = resolve(options.destination);
  const external = options.signal ?? new AbortController().signal;
  if (external.aborted) throw cancelled(external);

  const client = new HubClient({ baseUrl: options.baseUrl, token: options.token, fetch: options.fetch });
  const listed = await client.listFiles(repo, revision, external);
  const files = selectFiles(listed, options, `${repo} at revision ${revision}`);
  await mkdir(destination, { recursive: true });
  const manifest = await PullManifest.load(destination, repo, revision);
  onProgress?.({
    type: 'pull-start',
    repo,
    revision,
    destination,
    files: files.map(({ path, size }) => ({ path, size })),
    totalBytes: files.reduce((total, file) => total + file.size, 0),
  });

  const stop = new AbortController();
  const signal = AbortSignal.any([external, stop.signal]);
  const pulled = new Map<string, PulledFile>();
  let downloadedBytes = 0;
  let failure: { error: unknown } | undefined;
  const queue = [...files];

  const pullOne = async (file: RepoFile): Promise<PulledFile> => {
    const target = join(destination, ...file.path.split('/'));
    const oid = formatChecksum(file.checksum);
    if (await isPresent(file, target, oid, manifest, signal))
      return { path: file.path, size: file.size, skipped: true };
    await mkdir(dirname(target), { recursive: true });
    let onDisk = 0;
    await downloadFile(file, target, {
      client,
      repo,
      revision,
      signal,
      onStart: (offset) => {
        onDisk = offset;
        onProgress?.({ type: 'file-start', path: file.path, size: file.size, offset });
      },
      onBytes: (bytes) => {
        downloadedBytes += bytes - onDisk;
        onDisk = bytes;
        onProgress?.({ type: 'file-progress', path: file.path, size: file.size, bytes });
      },
    });
    await manifest.record(file.path, { oid, size: file.size, mtimeMs: (await stat(target)).mtimeMs });
    return { path: file.path, size: file.size, skipped: false };
  };

  const worker = async () => {
    for (let file = queue.shift(); file && !signal.aborted; file = queue.shift()) {
      try {
        const result = await pullOne(file);
        pulled.set(file.path, result);
        onProgress?.({ type: 'file-end', ...result });
      } catch (error) {
        // The first failure is the one to report; the others are mostly the stop it causes.
        failure ??= { error };
        stop.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker));
  if (external.aborted) throw cancelled(external);
  if (failure) throw failure.error;
  return { repo, revision, destination, files: files.map((file) => pulled.get(file.path)!), downloadedBytes };
}

/**
 * Whether the file is already in place: the right size and either recorded in the manifest as verified (and not
 * touched since) or hashing to the listed checksum now, which is then recorded.
 */
async function isPresent(
  file: RepoFile,
  target: string,
  oid: string,
  manifest: PullManifest,
  signal: AbortSignal,
): Promise<boolean> {
  const found = await stat(target).catch(() => undefined);
  if (!found?.isFile() || found.size !== file.size) return false;
  if (manifest.isVerified(file.path, oid, file.size, found.mtimeMs)) return true;
  let actual: string;
  try {
    actual = await hashFile(target, file.checksum.algorithm, file.size, signal);
  } catch (error) {
    if (signal.aborted) throw cancelled(signal);
    throw error;
  }
  if (actual !== file.checksum.value) return false;
  await manifest.record(file.path, { oid, size: file.size, mtimeMs: found.mtimeMs });
  return true;
}
