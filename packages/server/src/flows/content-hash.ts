import { createHash } from 'node:crypto';
import type { Flow } from '@groundwork/runtime';

/** JSON with object keys sorted at every level, so equal flows serialise identically whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** `sha256:` and the hex SHA-256 of the flow's canonical JSON: two versions with equal content have equal hashes. */
export function contentHash(flow: Flow): string {
  return `sha256:${createHash('sha256').update(canonicalJson(flow)).digest('hex')}`;
}
