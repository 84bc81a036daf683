import { readdirSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';

/** The extensions `groundwork collections add` reads from folders (a file named on its own is read whatever it is). */
export const DOCUMENT_EXTENSIONS = ['.md', '.markdown', '.txt', '.html', '.htm'];

export interface DocumentFile {
  /** Where it is on disk. */
  path: string;
  /** Its source in the collection: the path relative to the folder given (with /), or the file's name. */
  source: string;
}

/**
 * The documents the paths name: a file as itself (its name as its source), a folder's documents recursively (their
 * paths under it as sources), in a stable order. Hidden files and folders (`.git`) and node_modules are skipped.
 * Throws with the path named when one does not exist.
 */
export function documentFiles(paths: readonly string[]): DocumentFile[] {
  const files: DocumentFile[] = [];
  for (const path of paths) {
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new Error(`${path}: no such file or folder`);
    }
    if (!isFolder) files.push({ path, source: basename(path) });
    else for (const file of walk(path)) files.push({ path: file, source: relative(path, file).split(sep).join('/') });
  }
  return files;
}

function walk(folder: string): string[] {
  const found: string[] = [];
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...walk(path));
    else if (entry.isFile() && DOCUMENT_EXTENSIONS.some((extension) => entry.name.toLowerCase().endsWith(extension)))
      found.push(path);
  }
  return found;
}
