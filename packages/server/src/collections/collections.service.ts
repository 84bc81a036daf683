import { createHash } from 'node:crypto';
import {
  chunkDocument,
  DocumentError,
  type DocumentFormat,
  detectDocumentFormat,
  type RetrievedPassage,
  type Retriever,
} from '@groundwork/runtime/retrieval';
import type { Database } from '../db/connection.js';
import { HttpError } from '../http/http-error.js';
import { newId, now } from '../ids.js';
import { CollectionSearch, type SearchResult } from './collection-search.js';
import { CollectionNameTakenError, CollectionsRepository, type NewChunk } from './collections.repository.js';
import {
  type AddStatus,
  type Collection,
  type CollectionDocument,
  type CollectionSettings,
  collectionNameSchema,
  DEFAULT_CHUNK_OVERLAP,
  DEFAULT_CHUNK_SIZE,
  type SearchRequest,
} from './collections.schemas.js';
import { EmbeddingModels, type EmbeddingModelsOptions } from './embedding-models.js';

export interface NewCollection {
  name: string;
  embeddingModel?: string;
  chunkSize?: number;
  chunkOverlap?: number;
}

export interface DocumentInput {
  source: string;
  content: string;
  /** Told by the source's extension when not given. */
  format?: DocumentFormat;
}

export interface AddResult {
  document: CollectionDocument;
  status: AddStatus;
}

/** A document chunked (and embedded) before anything is written. */
interface PreparedDocument {
  source: string;
  format: DocumentFormat;
  hash: string;
  chars: number;
  /** Undefined when the source is stored with the same content. */
  chunks?: NewChunk[];
}

/**
 * Document collections: documents split into chunks, searched by keyword (BM25), vector or both. A document is
 * written with its chunks in one transaction; the same source with the same content is left as it is.
 */
export class CollectionService {
  private readonly repository: CollectionsRepository;
  private readonly models: EmbeddingModels;
  private readonly searcher: CollectionSearch;

  /** The runtime's view, for `retrieve` nodes (RunOptions.retriever): errors become plain ones with the message. */
  readonly retriever: Retriever = {
    search: async (request, signal): Promise<RetrievedPassage[]> => {
      try {
        const { collection, ...search } = request;
        const { passages } = await this.search(collection, search, signal);
        return passages.map(({ keywordRank, vectorRank, highlights, ...passage }) => passage);
      } catch (error) {
        if (error instanceof HttpError) throw new Error(error.message);
        throw error;
      }
    },
  };

  constructor(db: Database, options: EmbeddingModelsOptions = {}) {
    this.repository = new CollectionsRepository(db);
    this.models = new EmbeddingModels(options);
    this.searcher = new CollectionSearch(this.repository, this.models);
  }

  /** 400 for a bad name or chunk settings or a model that is not an embedding model; 409 when the name is taken. */
  async create(input: NewCollection): Promise<Collection> {
    const name = collectionNameSchema.safeParse(input.name);
    if (!name.success) invalid('name', `invalid collection name "${input.name}": ${name.error.issues[0]!.message}`);
    const chunkSize = input.chunkSize ?? DEFAULT_CHUNK_SIZE;
    const chunkOverlap = input.chunkOverlap ?? Math.min(DEFAULT_CHUNK_OVERLAP, Math.floor((chunkSize - 1) / 2));
    // chunkDocument checks its options itself: a document of one word shows whether these pass.
    try {
      chunkDocument('check', { format: 'text', size: chunkSize, overlap: chunkOverlap });
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      invalid(/overlap/i.test(error.message) ? 'chunkOverlap' : 'chunkSize', error.message);
    }
    let embeddingModel: string | null = null;
    if (input.embeddingModel !== undefined) {
      embeddingModel = await this.models.reference(input.embeddingModel);
      try {
        await this.models.get(embeddingModel);
      } catch (error) {
        const reason = (error as Error)?.message ?? String(error);
        invalid('embeddingModel', `the embedding model "${input.embeddingModel}" cannot be used: ${reason}`);
      }
    }
    const collection = {
      id: newId('col'),
      name: input.name,
      embeddingModel,
      chunkSize,
      chunkOverlap,
      createdAt: now(),
    };
    try {
      this.repository.insertCollection(collection);
    } catch (error) {
      if (!(error instanceof CollectionNameTakenError)) throw error;
      throw new HttpError('conflict', `${error.message}; choose another name or delete it first`, {
        issues: [{ path: 'name', message: error.message }],
      });
    }
    return this.get(collection.id);
  }

  list(): Collection[] {
    return this.repository.list();
  }

  /** A collection by id or name; 404 naming it. */
  get(idOrName: string): Collection {
    const found = this.repository.findById(idOrName) ?? this.repository.findByName(idOrName);
    if (!found) throw HttpError.notFound(`collection "${idOrName}"`);
    return found;
  }

  /** A collection's settings (no counts: cheap on a large one) by id or name; 404 naming it. */
  private settings(idOrName: string): CollectionSettings {
    const found = this.repository.findSettings(idOrName);
    if (!found) throw HttpError.notFound(`collection "${idOrName}"`);
    return found;
  }

  /** Deletes a collection with its documents and chunks; 404 when unknown. */
  delete(idOrName: string): void {
    this.repository.deleteCollection(this.settings(idOrName).id);
  }

  documents(idOrName: string): CollectionDocument[] {
    return this.repository.documents(this.settings(idOrName).id);
  }

  /** Adds or replaces one document (sent as the body: problems are named at `body`). */
  async addDocument(idOrName: string, input: DocumentInput, signal?: AbortSignal): Promise<AddResult> {
    return (await this.add(idOrName, [input], () => 'body', signal))[0]!;
  }

  /**
   * Adds or replaces documents, all in one transaction: every one is chunked (and embedded) first, and one bad
   * document (empty, a source given twice) refuses them all, naming it (`body.documents.N`).
   */
  addDocuments(idOrName: string, inputs: readonly DocumentInput[], signal?: AbortSignal): Promise<AddResult[]> {
    return this.add(idOrName, inputs, (index) => `body.documents.${index}`, signal);
  }

  /** Removes a document (by id or source) and its chunks; 404 naming it. */
  removeDocument(idOrName: string, idOrSource: string): void {
    const collection = this.settings(idOrName);
    const document = this.repository.findDocument(collection.id, idOrSource);
    if (!document) throw HttpError.notFound(`document "${idOrSource}" in collection "${collection.name}"`);
    this.repository.deleteDocument(document.id);
  }

  /** Passages best first (see CollectionSearch): 400 for a bad query, 404 for an unknown collection. */
  search(idOrName: string, request: SearchRequest, signal?: AbortSignal): Promise<SearchResult> {
    return this.searcher.search(this.settings(idOrName), request, signal);
  }

  /** Closes the embedding models loaded for collections. */
  close(): Promise<void> {
    return this.models.close();
  }

  private async add(
    idOrName: string,
    inputs: readonly DocumentInput[],
    pathOf: (index: number) => string,
    signal: AbortSignal | undefined,
  ): Promise<AddResult[]> {
    const collection = this.settings(idOrName);
    const seen = new Set<string>();
    const prepared: PreparedDocument[] = [];
    for (const [index, input] of inputs.entries()) {
      if (seen.has(input.source)) invalid(pathOf(index), `the source "${input.source}" is given twice`);
      seen.add(input.source);
      prepared.push(this.prepare(collection, input, pathOf(index)));
    }
    const changed = prepared.filter((document) => document.chunks !== undefined);
    if (collection.embeddingModel && changed.length > 0) await this.embed(collection, changed, signal);
    signal?.throwIfAborted();
    return this.repository.transaction(() => prepared.map((document) => this.write(collection, document)));
  }

  /** Chunks a document, unless it is stored as it is (then `chunks` stays undefined and nothing is written). */
  private prepare(collection: CollectionSettings, input: DocumentInput, path: string): PreparedDocument {
    const format = input.format ?? detectDocumentFormat({ fileName: input.source });
    const hash = `sha256:${createHash('sha256').update(`${format}\0${input.content}`).digest('hex')}`;
    const prepared: PreparedDocument = { source: input.source, format, hash, chars: 0 };
    if (this.repository.findDocumentBySource(collection.id, input.source)?.contentHash === hash) return prepared;
    try {
      const chunked = chunkDocument(input.content, {
        format,
        size: collection.chunkSize,
        overlap: collection.chunkOverlap,
      });
      prepared.chars = chunked.text.length;
      prepared.chunks = chunked.chunks.map((chunk) => ({ ...chunk, id: newId('chk') }));
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      invalid(path, `${input.source}: ${error.message}`);
    }
    return prepared;
  }

  private async embed(
    collection: CollectionSettings,
    documents: PreparedDocument[],
    signal?: AbortSignal,
  ): Promise<void> {
    const model = await this.models.forCollection(collection);
    const chunks = documents.flatMap((document) => document.chunks ?? []);
    const vectors = await model.embed(
      chunks.map((chunk) => (chunk.heading ? `${chunk.heading}\n${chunk.text}` : chunk.text)),
      signal,
    );
    chunks.forEach((chunk, index) => {
      chunk.embedding = vectors[index];
    });
  }

  private write(collection: CollectionSettings, prepared: PreparedDocument): AddResult {
    // Looked up again inside the transaction: another request may have written the same source meanwhile.
    const stored = this.repository.findDocumentBySource(collection.id, prepared.source);
    if (stored?.contentHash === prepared.hash) return { document: stored, status: 'unchanged' };
    const chunks = prepared.chunks;
    if (!chunks) {
      // It was stored with this content when chunking was skipped, and another request changed it since.
      throw new HttpError('conflict', `${prepared.source} changed while it was being added; add it again`);
    }
    const time = now();
    const document: CollectionDocument = {
      id: stored?.id ?? newId('doc'),
      collectionId: collection.id,
      source: prepared.source,
      format: prepared.format,
      contentHash: prepared.hash,
      chars: prepared.chars,
      chunkCount: chunks.length,
      addedAt: stored?.addedAt ?? time,
      updatedAt: time,
    };
    this.repository.writeDocument(document, chunks, stored !== undefined);
    return { document, status: stored ? 'replaced' : 'added' };
  }
}

function invalid(path: string, message: string): never {
  throw new HttpError('invalid-request', message, { issues: [{ path, message }] });
}
