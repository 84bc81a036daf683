import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * How the hub identifies a file's content: LFS files by the SHA-256 of the content, files kept in git itself by
 * their git blob id, SHA-1 over `blob <size>\0` and the content.
 */
export interface Checksum {
  algorithm: 'sha256' | 'git-sha1';
  /** Lower-case hex. */
  value: string;
}

/** An incremental hash for one file of known size; the git blob header needs the size before the content. */
export interface ContentHasher {
  update(chunk: Uint8Array): void;
  digest(): string;
}

export function createContentHasher(algorithm: Checksum['algorithm'], size: number): ContentHasher {
  let hash: Hash;
  if (algorithm === 'sha256') {
    hash = createHash('sha256');
  } else {
    hash = createHash('sha1');
    hash.update(`blob ${size}\0`);
  }
  return {
    update: (chunk) => {
      hash.update(chunk);
    },
    digest: () => hash.digest('hex'),
  };
}

/**
 * Feeds the first `length` bytes of a file to `hasher` (all of it when length is omitted), streaming; the signal
 * stops a read of gigabytes.
 */
export async function hashFileInto(
  hasher: ContentHasher,
  path: string,
  length?: number,
  signal?: AbortSignal,
): Promise<void> {
  if (length === 0) return;
  const stream = createReadStream(path, {
    ...(length === undefined ? {} : { start: 0, end: length - 1 }),
    ...(signal ? { signal } : {}),
  });
  for await (const chunk of stream) hasher.update(chunk as Buffer);
}

export async function hashFile(
  path: string,
  algorithm: Checksum['algorithm'],
  size: number,
  signal?: AbortSignal,
): Promise<string> {
  const hasher = createContentHasher(algorithm, size);
  await hashFileInto(hasher, path, undefined, signal);
  return hasher.digest();
}

/** `sha256:<hex>` or `git-sha1:<hex>`: how a checksum is written in messages and in the pull manifest. */
export function formatChecksum(checksum: Checksum): string {
  return `${checksum.algorithm}:${checksum.value}`;
}
