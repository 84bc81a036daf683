import { randomBytes } from 'node:crypto';

/** An opaque id with a prefix that says what it names (`flw_…`, `run_…`, `key_…`); 72 random bits. */
export function newId(prefix: 'flw' | 'run' | 'key' | 'dst' | 'evl' | 'col' | 'doc' | 'chk'): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export function now(): string {
  return new Date().toISOString();
}
