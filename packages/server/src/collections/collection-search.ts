import { highlightTerms, queryTerms, reciprocalRankFusion, sourceMatches } from '@groundwork/runtime/retrieval';
import { HttpError } from '../http/http-error.js';
import type { CollectionsRepository, StoredEmbeddings } from './collections.repository.js';
import {
  type CollectionSettings,
  DEFAULT_TOP_K,
  MAX_QUERY_LENGTH,
  type SearchMode,
  type SearchPassage,
  type SearchRequest,
} from './collections.schemas.js';
import type { EmbeddingModels } from './embedding-models.js';
import { topScores } from './top-scores.js';

/** How many of each list's best chunks hybrid search fuses. */
export const CANDIDATES = 50;
const DEFAULT_VECTOR_WEIGHT = 0.5;

interface Scored {
  id: string;
  score: number;
}

export interface SearchResult {
  passages: SearchPassage[];
  mode: SearchMode;
}

/**
 * Keyword (FTS5 BM25), vector (cosine over stored embeddings, brute force) and hybrid (reciprocal rank fusion of
 * both) search over one collection.
 */
export class CollectionSearch {
  /** Each collection's embeddings as last read, with the stamp they were read at. */
  private readonly cache = new Map<string, { stamp: string; embeddings: StoredEmbeddings }>();

  constructor(
    private readonly repository: CollectionsRepository,
    private readonly models: EmbeddingModels,
  ) {}

  async search(collection: CollectionSettings, request: SearchRequest, signal?: AbortSignal): Promise<SearchResult> {
    const query = checkQuery(request.query);
    const topK = request.topK ?? DEFAULT_TOP_K;
    let mode: SearchMode = request.mode ?? 'hybrid';
    if (mode === 'vector' && !collection.embeddingModel) {
      throw new HttpError(
        'invalid-request',
        `collection "${collection.name}" has no embedding model: search it with mode "keyword" or "hybrid"`,
        { issues: [{ path: 'body.mode', message: 'vector search needs an embedding model' }] },
      );
    }
    if (mode === 'hybrid' && !collection.embeddingModel) mode = 'keyword';
    const terms = searchTerms(query);
    const limit = mode === 'hybrid' ? CANDIDATES : topK;
    const keyword = mode === 'vector' ? [] : this.keyword(collection, terms, request.sources, limit);
    const vector = mode === 'keyword' ? [] : await this.vector(collection, query, request.sources, limit, signal);
    signal?.throwIfAborted();

    const weight = request.vectorWeight ?? DEFAULT_VECTOR_WEIGHT;
    const ids = (list: Scored[]) => list.map((entry) => entry.id);
    // One list answers with its own scores (BM25 relevance, or cosine); hybrid with the fused reciprocal-rank score.
    const ranked =
      mode === 'hybrid'
        ? reciprocalRankFusion([
            { ids: ids(keyword), weight: 1 - weight },
            { ids: ids(vector), weight },
          ]).slice(0, topK)
        : (mode === 'keyword' ? keyword : vector).slice(0, topK);
    const chunks = new Map(this.repository.chunks(ranked.map((entry) => entry.id)).map((chunk) => [chunk.id, chunk]));
    const rank = (list: Scored[], id: string) => {
      const index = list.findIndex((entry) => entry.id === id);
      return index < 0 ? { rank: null, score: null } : { rank: index + 1, score: list[index]!.score };
    };
    const passages = ranked.flatMap(({ id, score }) => {
      const chunk = chunks.get(id);
      // A chunk replaced between the ranking and this read is left out rather than shown stale.
      if (!chunk) return [];
      const { documentId, source, text, start, end, heading } = chunk;
      const byKeyword = rank(keyword, id);
      const byVector = rank(vector, id);
      return [
        {
          id,
          text,
          source,
          score,
          collection: collection.name,
          heading,
          start,
          end,
          documentId,
          keywordRank: byKeyword.rank,
          keywordScore: byKeyword.score,
          vectorRank: byVector.rank,
          vectorScore: byVector.score,
          highlights: highlightTerms(text, terms),
        },
      ];
    });
    return { passages, mode };
  }

  /**
   * Chunks best first by BM25, scored by relevance (SQLite's bm25() negated: higher is better); every term quoted,
   * so no user text reaches MATCH as FTS5 syntax.
   */
  private keyword(
    collection: CollectionSettings,
    terms: string[],
    sources: string[] | undefined,
    limit: number,
  ): Scored[] {
    if (terms.length === 0) return [];
    const match = terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
    return this.repository
      .keywordSearch(collection.id, match, sources, limit)
      .map((row) => ({ id: row.id, score: -row.bm25 }));
  }

  /** Chunks best first by cosine similarity (the stored vectors and the query's are L2-normalised). */
  private async vector(
    collection: CollectionSettings,
    query: string,
    sources: string[] | undefined,
    limit: number,
    signal: AbortSignal | undefined,
  ): Promise<Scored[]> {
    const model = await this.models.forCollection(collection);
    const [embedded] = await model.embed([query], signal);
    const target = embedded!;
    const stored = this.embeddings(collection.id);
    if (stored.ids.length > 0 && stored.dimensions !== target.length) {
      throw new HttpError(
        'invalid-request',
        `collection "${collection.name}" holds ${stored.dimensions}-dimensional embeddings but its model "${collection.embeddingModel}" now gives ${target.length}: re-create the collection`,
      );
    }
    const { matrix, dimensions } = stored;
    const scores = new Float64Array(stored.ids.length);
    for (let index = 0; index < stored.ids.length; index++) {
      if (sources && !sourceMatches(stored.sources[index]!, sources)) {
        scores[index] = Number.NaN;
        continue;
      }
      let dot = 0;
      const offset = index * dimensions;
      for (let dimension = 0; dimension < dimensions; dimension++)
        dot += matrix[offset + dimension]! * target[dimension]!;
      scores[index] = dot;
    }
    return topScores(scores, limit).map((index) => ({ id: stored.ids[index]!, score: scores[index]! }));
  }

  private embeddings(collectionId: string): StoredEmbeddings {
    const stamp = this.repository.stamp(collectionId);
    const cached = this.cache.get(collectionId);
    if (cached?.stamp === stamp) return cached.embeddings;
    const embeddings = this.repository.embeddings(collectionId);
    this.cache.set(collectionId, { stamp, embeddings });
    return embeddings;
  }
}

/** The query, checked: 400 when empty or longer than MAX_QUERY_LENGTH characters. */
function checkQuery(query: string): string {
  const issue = (message: string) =>
    new HttpError('invalid-request', message, { issues: [{ path: 'body.query', message }] });
  if (query.trim() === '') throw issue('the query is empty');
  if (query.length > MAX_QUERY_LENGTH)
    throw issue(`the query is too long (${query.length} characters; at most ${MAX_QUERY_LENGTH})`);
  return query;
}

/** The query's content words; a query of stop words only ("what is it") searches by all its words instead. */
function searchTerms(query: string): string[] {
  const terms = queryTerms(query);
  const words = terms.length > 0 ? terms : (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  return [...new Set(words.filter((word) => /[\p{L}\p{N}]/u.test(word)))];
}
