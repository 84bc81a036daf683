import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Kept in the destination folder; also tells `groundwork models list` where a folder came from. */
export const MANIFEST_FILE = '.groundwork-pull.json';
const SCHEMA_VERSION = 1;

interface ManifestEntry {
  /** The checksum the file was verified against, as formatChecksum writes it. */
  oid: string;
  size: number;
  /** A file changed since it was verified (same size, new mtime) is hashed again rather than trusted. */
  mtimeMs: number;
}

interface ManifestDocument {
  schemaVersion: typeof SCHEMA_VERSION;
  repo: string;
  revision: string;
  files: Record<string, ManifestEntry>;
}

/**
 * Which files of the destination were verified by hash, so that a later pull trusts them without reading gigabytes
 * again. Losing it only costs time: files are then hashed once more.
 */
export class PullManifest {
  readonly #path: string;
  readonly #document: ManifestDocument;
  #writing: Promise<void> = Promise.resolve();

  private constructor(path: string, document: ManifestDocument) {
    this.#path = path;
    this.#document = document;
  }

  static async load(destination: string, repo: string, revision: string): Promise<PullManifest> {
    const path = join(destination, MANIFEST_FILE);
    const files = await readEntries(path);
    return new PullManifest(path, { schemaVersion: SCHEMA_VERSION, repo, revision, files });
  }

  isVerified(path: string, oid: string, size: number, mtimeMs: number): boolean {
    const entry = this.#document.files[path];
    return entry !== undefined && entry.oid === oid && entry.size === size && entry.mtimeMs === mtimeMs;
  }

  /** Records a verified file and rewrites the manifest (atomically, one write at a time). */
  record(path: string, entry: ManifestEntry): Promise<void> {
    this.#document.files[path] = entry;
    const write = this.#writing.then(async () => {
      const temporary = `${this.#path}.${process.pid}.tmp`;
      await writeFile(temporary, `${JSON.stringify(this.#document, null, 2)}\n`);
      await rename(temporary, this.#path);
    });
    // A failed write must not stop the next one from trying.
    this.#writing = write.catch(() => {});
    return write;
  }
}

/** The recorded files, or none when the manifest is missing, unreadable or of a schema this code does not know. */
async function readEntries(path: string): Promise<Record<string, ManifestEntry>> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return {};
  }
  if (typeof document !== 'object' || document === null) return {};
  const { schemaVersion, files } = document as Partial<ManifestDocument>;
  if (schemaVersion !== SCHEMA_VERSION || typeof files !== 'object' || files === null) return {};
  const entries: Record<string, ManifestEntry> = {};
  for (const [file, entry] of Object.entries(files)) {
    const { oid, size, mtimeMs } = (entry ?? {}) as Partial<ManifestEntry>;
    if (typeof oid === 'string' && typeof size === 'number' && typeof mtimeMs === 'number') {
      entries[file] = { oid, size, mtimeMs };
    }
  }
  return entries;
}
