/**
 * The wire types of collections and search, mirrored by hand from the server's schemas like the rest of
 * `client.ts` (the editor may not depend on the server package); what the runtime defines is imported from it.
 */
import type { DocumentFormat, RetrievedPassage, RetrieveMode } from '@groundwork/runtime/retrieval';

export type { DocumentFormat };
export type SearchMode = RetrieveMode;

export interface Collection {
  id: string;
  name: string;
  /** The sentence-embedding model its chunks are embedded with; null: keyword search only. */
  embeddingModel: string | null;
  chunkSize: number;
  chunkOverlap: number;
  createdAt: string;
  /** In lists (`GET /api/collections`). */
  documentCount?: number;
  chunkCount?: number;
}

export interface CollectionDocument {
  id: string;
  collectionId?: string;
  /** A path or a name, unique in its collection: adding the same source again replaces the document. */
  source: string;
  format: DocumentFormat;
  contentHash: string;
  chars: number;
  chunkCount: number;
  addedAt: string;
  updatedAt: string;
}

/** What adding a document did: stored a new one, replaced a changed one's chunks, or nothing (same content). */
export type DocumentStatus = 'added' | 'replaced' | 'unchanged';

export interface NewCollection {
  name: string;
  embeddingModel?: string;
  chunkSize?: number;
  chunkOverlap?: number;
}

export interface SearchRequest {
  query: string;
  topK?: number;
  sources?: string[];
  mode?: SearchMode;
  vectorWeight?: number;
}

/** Offsets into a passage's `text` where a query term matches. */
export interface TextSpan {
  start: number;
  end: number;
}

/** A chunk the search found: the runtime's `RetrievedPassage` plus how each ranking placed it. */
export interface SearchPassage extends RetrievedPassage {
  /** Its place (from 1) in the keyword ranking; null when that ranking did not find it or did not run. */
  keywordRank?: number | null;
  /** BM25 relevance, when the passage is in the keyword list. */
  keywordScore?: number | null;
  vectorRank?: number | null;
  /** Cosine similarity to the query, when the passage is in the vector list. */
  vectorScore?: number | null;
  highlights: TextSpan[];
}

export interface SearchResult {
  passages: SearchPassage[];
  /** The mode the server used: `keyword` for a hybrid request to a collection without an embedding model. */
  mode: SearchMode;
}
