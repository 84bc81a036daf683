import { relative, sep } from 'node:path';

/** A path as a person at `cwd` would type it: relative when it is under `cwd`, absolute otherwise. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.split(sep)[0] === '..' || rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel) ? path : rel;
}
