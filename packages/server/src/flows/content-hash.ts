import { createHash } from 'node:crypto';
import { canonicalJson, type Flow } from '@groundwork/runtime';

/** `sha256:` and the hex SHA-256 of the flow's canonical JSON: two versions with equal content have equal hashes. */
export function contentHash(flow: Flow): string {
  return `sha256:${createHash('sha256').update(canonicalJson(flow)).digest('hex')}`;
}
