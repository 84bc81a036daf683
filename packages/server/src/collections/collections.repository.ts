import type { Database } from '../db/connection.js';
import { statement } from '../db/statements.js';
import type { Collection, CollectionDocument, CollectionSettings } from './collections.schemas.js';

/** A chunk to store: its place in the document's plain text, and its embedding when the collection has a model. */
export interface NewChunk {
  id: string;
  index: number;
  text: string;
  start: number;
  end: number;
  heading: string | null;
  embedding?: Float32Array;
}

/** A stored chunk with its document's source, as searches return it. */
export interface ChunkRow {
  id: string;
  documentId: string;
  source: string;
  text: string;
  start: number;
  end: number;
  heading: string | null;
}

/** A collection's stored embeddings, for brute-force cosine search. */
export interface StoredEmbeddings {
  ids: string[];
  sources: string[];
  /** Every vector's width (0 when there are none). */
  dimensions: number;
  /** The vectors one after another, row `i` at `i * dimensions` (one block scans faster than many small arrays). */
  matrix: Float32Array;
}

/** A name another collection has: the service reports it as a conflict. */
export class CollectionNameTakenError extends Error {
  override name = 'CollectionNameTakenError';
  constructor(readonly collectionName: string) {
    super(`a collection named "${collectionName}" already exists`);
  }
}

const SETTINGS_COLUMNS = 'c.id, c.name, c.embedding_model, c.chunk_size, c.chunk_overlap, c.created_at';
const COLLECTION_COLUMNS = `${SETTINGS_COLUMNS},
  (SELECT count(*) FROM documents d WHERE d.collection_id = c.id) AS document_count,
  (SELECT count(*) FROM chunks k WHERE k.collection_id = c.id) AS chunk_count`;
const DOCUMENT_COLUMNS = 'id, collection_id, source, format, content_hash, chars, chunk_count, added_at, updated_at';
const CHUNK_COLUMNS = 'k.id, k.document_id, d.source, k.text, k.start_char, k.end_char, k.heading';

/** Collections, their documents and chunks in SQLite; the chunks' FTS index follows them through triggers. */
export class CollectionsRepository {
  constructor(private readonly db: Database) {}

  insertCollection(collection: CollectionSettings): void {
    if (this.findByName(collection.name)) throw new CollectionNameTakenError(collection.name);
    statement(
      this.db,
      'INSERT INTO collections (id, name, embedding_model, chunk_size, chunk_overlap, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(
      collection.id,
      collection.name,
      collection.embeddingModel,
      collection.chunkSize,
      collection.chunkOverlap,
      collection.createdAt,
    );
  }

  findById(id: string): Collection | undefined {
    return toCollection(statement(this.db, `SELECT ${COLLECTION_COLUMNS} FROM collections c WHERE c.id = ?`).get(id));
  }

  /** A collection's settings by id or name, without counting its rows. */
  findSettings(idOrName: string): CollectionSettings | undefined {
    const record = statement(
      this.db,
      `SELECT ${SETTINGS_COLUMNS} FROM collections c WHERE c.id = ? OR c.name = ? ORDER BY c.id = ? DESC LIMIT 1`,
    ).get(idOrName, idOrName, idOrName);
    if (!record) return undefined;
    const { documentCount: _documents, chunkCount: _chunks, ...settings } = toCollection(record)!;
    return settings;
  }

  findByName(name: string): Collection | undefined {
    const record = statement(this.db, `SELECT ${COLLECTION_COLUMNS} FROM collections c WHERE c.name = ?`).get(name);
    return toCollection(record);
  }

  /** Every collection, by name. */
  list(): Collection[] {
    const records = statement(this.db, `SELECT ${COLLECTION_COLUMNS} FROM collections c ORDER BY c.name`).all();
    return records.map((record) => toCollection(record)!);
  }

  /** Deletes a collection with its documents and chunks; false when it was not there. */
  deleteCollection(id: string): boolean {
    return statement(this.db, 'DELETE FROM collections WHERE id = ?').run(id).changes > 0;
  }

  /** A document of the collection by id, else by source. */
  findDocument(collectionId: string, idOrSource: string): CollectionDocument | undefined {
    const byId = statement(
      this.db,
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = ? AND (id = ? OR source = ?) ORDER BY id = ? DESC`,
    ).get(collectionId, idOrSource, idOrSource, idOrSource);
    return toDocument(byId);
  }

  findDocumentBySource(collectionId: string, source: string): CollectionDocument | undefined {
    const record = statement(
      this.db,
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = ? AND source = ?`,
    ).get(collectionId, source);
    return toDocument(record);
  }

  /** The collection's documents, by source. */
  documents(collectionId: string): CollectionDocument[] {
    const records = statement(
      this.db,
      `SELECT ${DOCUMENT_COLUMNS} FROM documents WHERE collection_id = ? ORDER BY source`,
    ).all(collectionId);
    return records.map((record) => toDocument(record)!);
  }

  /**
   * Writes a document and its chunks: a new one, or (same id) the replacement of a stored one, whose old chunks go
   * first. The caller runs it in a transaction with any other documents of the same request.
   */
  writeDocument(document: CollectionDocument, chunks: readonly NewChunk[], replacing: boolean): void {
    if (replacing) {
      statement(this.db, 'DELETE FROM chunks WHERE document_id = ?').run(document.id);
      statement(
        this.db,
        `UPDATE documents SET format = ?, content_hash = ?, chars = ?, chunk_count = ?, updated_at = ? WHERE id = ?`,
      ).run(
        document.format,
        document.contentHash,
        document.chars,
        document.chunkCount,
        document.updatedAt,
        document.id,
      );
    } else {
      statement(this.db, `INSERT INTO documents (${DOCUMENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
        document.id,
        document.collectionId,
        document.source,
        document.format,
        document.contentHash,
        document.chars,
        document.chunkCount,
        document.addedAt,
        document.updatedAt,
      );
    }
    const insert = statement(
      this.db,
      `INSERT INTO chunks (id, document_id, collection_id, idx, text, start_char, end_char, heading, embedding)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const chunk of chunks) {
      const embedding = chunk.embedding
        ? Buffer.from(chunk.embedding.buffer, chunk.embedding.byteOffset, chunk.embedding.byteLength)
        : null;
      insert.run(
        chunk.id,
        document.id,
        document.collectionId,
        chunk.index,
        chunk.text,
        chunk.start,
        chunk.end,
        chunk.heading,
        embedding,
      );
    }
  }

  /** Deletes a document and its chunks; false when it was not there. */
  deleteDocument(id: string): boolean {
    return statement(this.db, 'DELETE FROM documents WHERE id = ?').run(id).changes > 0;
  }

  /**
   * The collection's best chunks for an FTS5 MATCH expression, best first (bm25() is lower for better matches),
   * at most `limit`, only under `sources` when given.
   */
  keywordSearch(
    collectionId: string,
    match: string,
    sources: readonly string[] | undefined,
    limit: number,
  ): { id: string; bm25: number }[] {
    const filter = sourceFilter(sources);
    // CROSS JOIN keeps SQLite from driving the join from the collection's chunks (one FTS lookup per chunk): the
    // MATCH runs once, and its rows are then kept to the collection.
    // `rank` is bm25() with the default weights; ordering by it lets FTS5 sort inside the index (about twice as fast
    // as ordering by a bm25() call).
    const sql = `SELECT k.id, rank AS bm25 FROM chunks_fts
      CROSS JOIN chunks k ON k.seq = chunks_fts.rowid
      ${filter.sql ? 'CROSS JOIN documents d ON d.id = k.document_id' : ''}
      WHERE chunks_fts MATCH ? AND k.collection_id = ? ${filter.sql}
      ORDER BY rank LIMIT ?`;
    // Filtered searches vary in shape with their sources: prepared each time rather than cached without bound.
    const prepared = filter.sql ? this.db.prepare(sql) : statement(this.db, sql);
    return prepared.all(match, collectionId, ...filter.values, limit) as { id: string; bm25: number }[];
  }

  /** Changes whenever a chunk of the collection is added or removed (see the migration's note on seq). */
  stamp(collectionId: string): string {
    const row = statement(
      this.db,
      'SELECT count(*) AS n, coalesce(max(seq), 0) AS last FROM chunks WHERE collection_id = ?',
    ).get(collectionId) as { n: number; last: number };
    return `${row.n}:${row.last}`;
  }

  embeddings(collectionId: string): StoredEmbeddings {
    const rows = statement(
      this.db,
      `SELECT k.id, d.source, k.embedding FROM chunks k JOIN documents d ON d.id = k.document_id
       WHERE k.collection_id = ? AND k.embedding IS NOT NULL ORDER BY k.seq`,
    ).all(collectionId) as { id: string; source: string; embedding: Buffer }[];
    const dimensions = rows.length > 0 ? rows[0]!.embedding.byteLength / 4 : 0;
    const matrix = new Float32Array(rows.length * dimensions);
    rows.forEach((row, index) => {
      if (row.embedding.byteLength !== dimensions * 4) {
        throw new Error(
          `chunk ${row.id} holds a ${row.embedding.byteLength / 4}-dimensional embedding, not ${dimensions}`,
        );
      }
      // Copied through bytes: the Buffer may sit at an offset that a Float32Array cannot view.
      matrix.set(new Float32Array(new Uint8Array(row.embedding).buffer), index * dimensions);
    });
    return { ids: rows.map((row) => row.id), sources: rows.map((row) => row.source), dimensions, matrix };
  }

  /** Chunks by id, with their documents' sources, in no particular order. */
  chunks(ids: readonly string[]): ChunkRow[] {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(
        `SELECT ${CHUNK_COLUMNS} FROM chunks k JOIN documents d ON d.id = k.document_id
         WHERE k.id IN (${ids.map(() => '?').join(', ')})`,
      )
      .all(...ids) as Record<string, unknown>[];
    return rows.map((row) => ({
      id: row.id as string,
      documentId: row.document_id as string,
      source: row.source as string,
      text: row.text as string,
      start: row.start_char as number,
      end: row.end_char as number,
      heading: row.heading as string | null,
    }));
  }

  /** Runs `write` in one transaction: all of it, or (on any failure) none. */
  transaction<T>(write: () => T): T {
    return this.db.transaction(write)();
  }
}

/**
 * A source matches when it equals one of `sources`, or starts with one that ends in '/'. The values go in as
 * parameters; only the shape of the clause depends on them.
 */
export function sourceFilter(sources: readonly string[] | undefined): { sql: string; values: string[] } {
  if (!sources || sources.length === 0) return { sql: '', values: [] };
  const clauses: string[] = [];
  const values: string[] = [];
  for (const source of sources) {
    if (source.endsWith('/')) {
      clauses.push('substr(d.source, 1, length(?)) = ?');
      values.push(source, source);
    } else {
      clauses.push('d.source = ?');
      values.push(source);
    }
  }
  return { sql: `AND (${clauses.join(' OR ')})`, values };
}

function toCollection(record: unknown): Collection | undefined {
  if (!record) return undefined;
  const row = record as Record<string, unknown>;
  return {
    id: row.id as string,
    name: row.name as string,
    embeddingModel: (row.embedding_model as string | null) ?? null,
    chunkSize: row.chunk_size as number,
    chunkOverlap: row.chunk_overlap as number,
    createdAt: row.created_at as string,
    documentCount: row.document_count as number,
    chunkCount: row.chunk_count as number,
  };
}

function toDocument(record: unknown): CollectionDocument | undefined {
  if (!record) return undefined;
  const row = record as Record<string, unknown>;
  return {
    id: row.id as string,
    collectionId: row.collection_id as string,
    source: row.source as string,
    format: row.format as CollectionDocument['format'],
    contentHash: row.content_hash as string,
    chars: row.chars as number,
    chunkCount: row.chunk_count as number,
    addedAt: row.added_at as string,
    updatedAt: row.updated_at as string,
  };
}
