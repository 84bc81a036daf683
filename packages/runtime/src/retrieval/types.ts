/** A chunk of a stored document found by a search: a valid `passages` port value (it has `id` and `text`). */
export interface RetrievedPassage {
  /** The chunk's id. */
  id: string;
  text: string;
  /** The document's source: the path or name it was added under. */
  source: string;
  /** The ranking score (fused for hybrid search): higher is better; comparable within one search only. */
  score: number;
  /** The collection's name. */
  collection: string;
  /** The heading path the chunk sits under ("Install > From npm"), or null. */
  heading: string | null;
  /** The chunk's offsets in the document's plain text. */
  start: number;
  end: number;
  documentId: string;
}

export const RETRIEVE_MODES = ['hybrid', 'keyword', 'vector'] as const;

export type RetrieveMode = (typeof RETRIEVE_MODES)[number];

export interface RetrieveRequest {
  /** A collection's name or id. */
  collection: string;
  query: string;
  topK: number;
  /** Only documents whose source equals one of these, or starts with one that ends in '/'. */
  sources?: string[];
  mode?: RetrieveMode;
  /** Hybrid only: the vector list's weight in the fusion (the keyword list gets 1 − w). */
  vectorWeight?: number;
}

/**
 * Searches document collections. The runtime has no storage: hosts (the server, the groundwork command) pass one in
 * `RunOptions.retriever` for `retrieve` nodes. Errors it throws (an unknown collection) reach the node's error.
 */
export interface Retriever {
  search(request: RetrieveRequest, signal?: AbortSignal): Promise<RetrievedPassage[]>;
}

/** Whether a document source passes a `sources` filter (no filter, or an empty one, passes everything). */
export function sourceMatches(source: string, filters: readonly string[] | undefined): boolean {
  if (!filters || filters.length === 0) return true;
  return filters.some((filter) => source === filter || (filter.endsWith('/') && source.startsWith(filter)));
}
