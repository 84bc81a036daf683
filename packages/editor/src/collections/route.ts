/**
 * Where the collection pages live: `#/collections` (the list) and `#/collections/NAME` (one collection), in the
 * location hash like the evaluation pages, so back, reload and a copied link come back to the same page.
 */
const PREFIX = '#/collections';

export function isCollectionsHash(hash: string): boolean {
  return hash === PREFIX || hash.startsWith(`${PREFIX}/`);
}

/** The collection a hash names, or undefined for the list. */
export function collectionOfHash(hash: string): string | undefined {
  const name = hash.slice(PREFIX.length).split('/').filter(Boolean)[0];
  return name ? decodeURIComponent(name) : undefined;
}

export function collectionHash(collection?: string): string {
  return collection ? `${PREFIX}/${encodeURIComponent(collection)}` : PREFIX;
}

export function navigateToCollection(collection?: string): void {
  window.location.hash = collectionHash(collection);
}
