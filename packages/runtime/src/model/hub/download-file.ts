import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises';
import { createContentHasher, formatChecksum, hashFileInto } from './checksums.js';
import { cancelled, describeCause, type HubClient, type RepoFile } from './hub-client.js';
import { HubError } from './hub-error.js';

export interface DownloadContext {
  client: HubClient;
  repo: string;
  revision: string;
  signal: AbortSignal;
  /** The download (re)starts with `offset` bytes already on disk. */
  onStart(offset: number): void;
  /** `bytes` of the file are on disk now. */
  onBytes(bytes: number): void;
}

/** Where a file grows until it is verified; what a later pull resumes from. */
export const PARTIAL_SUFFIX = '.incomplete';

/**
 * Downloads one file to `target` through `target.incomplete`, resuming from what that holds, then checks size and
 * checksum before renaming it into place. A file too long or failing its checksum is deleted; one that ends short
 * is kept to resume. A partial that fails the checksum after resuming may be left from another revision of the
 * file, so it is thrown away and the file downloaded once more from the start.
 */
export async function downloadFile(file: RepoFile, target: string, context: DownloadContext): Promise<void> {
  const partial = `${target}${PARTIAL_SUFFIX}`;
  const offset = await sizeOf(partial);
  try {
    await attempt(file, partial, offset, context);
  } catch (error) {
    const stale = offset > 0 && error instanceof HubError && error.code === 'checksum';
    if (!stale) throw error;
    await attempt(file, partial, 0, context);
  }
  await rename(partial, target);
}

async function attempt(file: RepoFile, partial: string, offset: number, context: DownloadContext): Promise<void> {
  const { client, signal } = context;
  const request = { repo: context.repo, revision: context.revision, path: file.path };
  // A partial longer than the file cannot be a prefix of it.
  let start = offset > file.size ? 0 : offset;
  let response: Response | undefined;
  if (start < file.size) {
    response = await client.openDownload(request, start, signal);
    // 416: the hub's file is shorter than the partial; 200: the server ignores ranges. Both mean from the start.
    if (response.status === 416) {
      await response.body?.cancel();
      response = await client.openDownload(request, 0, signal);
    }
    if (response.status !== 206) start = 0;
    else if (rangeStart(response) !== start) {
      await response.body?.cancel();
      throw new HubError('bad-response', `${client.baseUrl} sent ${file.path} from the wrong byte`, {
        path: file.path,
      });
    }
  }

  const hasher = createContentHasher(file.checksum.algorithm, file.size);
  try {
    if (start > 0) await hashFileInto(hasher, partial, start, signal);
  } catch (error) {
    await response?.body?.cancel().catch(() => {});
    if (signal.aborted) throw cancelled(signal);
    throw error;
  }
  context.onStart(start);
  const handle = await open(partial, start > 0 ? 'r+' : 'w');
  let written = start;
  try {
    await handle.truncate(start);
    // Chunk by chunk to disk: models are gigabytes and are never held in memory whole.
    for await (const chunk of response?.body ?? []) {
      // A server sending more than the listed size is stopped before it fills the disk.
      if (written + chunk.byteLength > file.size) throw sizeError(file, written + chunk.byteLength, 'at least ');
      hasher.update(chunk);
      await handle.write(chunk, 0, chunk.byteLength, written);
      written += chunk.byteLength;
      context.onBytes(written);
    }
  } catch (error) {
    if (signal.aborted) throw cancelled(signal);
    if (error instanceof HubError) {
      await discard(handle, partial);
      throw error;
    }
    const message =
      `the download of ${file.path} broke off after ${written} of ${file.size} bytes (${describeCause(error)}); ` +
      'run the pull again to resume it';
    throw new HubError('network', message, { path: file.path, cause: error });
  } finally {
    await handle.close().catch(() => {});
  }
  if (written < file.size) {
    // A body that ends early without an error (a proxy closing the connection) is an interruption like any
    // other: what arrived is kept, and the checksum at the end still guards the resumed file.
    const message = `${file.path} ended early: expected ${file.size} bytes, got ${written}; run the pull again to resume it`;
    throw new HubError('size', message, { path: file.path });
  }
  const actual = hasher.digest();
  if (actual !== file.checksum.value) {
    await rm(partial, { force: true });
    const expected = formatChecksum(file.checksum);
    const got = formatChecksum({ algorithm: file.checksum.algorithm, value: actual });
    throw new HubError('checksum', `${file.path} is corrupt: expected ${expected}, got ${got}`, { path: file.path });
  }
}

function sizeError(file: RepoFile, actual: number, qualifier = ''): HubError {
  return new HubError(
    'size',
    `${file.path} has the wrong size: expected ${file.size} bytes, got ${qualifier}${actual}`,
    {
      path: file.path,
    },
  );
}

/** The first byte of a 206 answer, from `Content-Range: bytes START-END/TOTAL`. */
function rangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
  return match ? Number(match[1]) : undefined;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

async function discard(handle: FileHandle, path: string): Promise<void> {
  await handle.close().catch(() => {});
  await rm(path, { force: true });
}
