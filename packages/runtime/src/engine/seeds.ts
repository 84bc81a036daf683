/** A run seed for runs that give none: 32 random bits (Web Crypto, so it works in the browser too). */
export function newRunSeed(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]!;
}

/**
 * The seed of one node in a run: a hash of the run seed and where the node runs (`scope/node`, e.g. `summarize[3]/llm`
 * for a map item), so every llm call of a run samples differently, and the same run seed gives every call the same
 * seed again: a replay. FNV-1a over the key, then MurmurHash3's finalizer to spread the bits. A 32-bit unsigned
 * integer.
 */
export function nodeSeed(runSeed: number, scope: string | undefined, nodeId: string): number {
  const key = `${Math.trunc(runSeed)}:${scope ?? ''}/${nodeId}`;
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.length; index++) {
    hash ^= key.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
