-- Collections: documents split into chunks that the retrieve node, the API and the CLI search (BM25 through FTS5,
-- and cosine similarity over stored embeddings when the collection has an embedding model).
CREATE TABLE collections (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  -- A model name the host lists, or an absolute folder path; NULL: keyword search only.
  embedding_model TEXT,
  chunk_size INTEGER NOT NULL CHECK (chunk_size >= 100),
  chunk_overlap INTEGER NOT NULL CHECK (chunk_overlap >= 0),
  created_at TEXT NOT NULL
);

CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  -- A path relative to the folder it was added from, or a name: a document is re-added under the same source.
  source TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('text', 'markdown', 'html')),
  -- SHA-256 of the format and the content: the same source with the same hash is unchanged and not written again.
  content_hash TEXT NOT NULL,
  chars INTEGER NOT NULL,
  chunk_count INTEGER NOT NULL,
  added_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (collection_id, source)
);

-- seq is the FTS rowid. AUTOINCREMENT never reuses one, so (count, max(seq)) of a collection changes with any
-- write to it: the service's cache of a collection's embeddings is keyed by that.
CREATE TABLE chunks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  text TEXT NOT NULL,
  -- The chunk's span in the document's plain text (start inclusive, end exclusive).
  start_char INTEGER NOT NULL,
  end_char INTEGER NOT NULL,
  heading TEXT,
  -- Float32 little-endian, L2-normalised; NULL when the collection has no embedding model.
  embedding BLOB
);

CREATE INDEX chunks_by_document ON chunks (document_id, idx);
CREATE INDEX chunks_by_collection ON chunks (collection_id);

-- The chunks' text for BM25, kept in step with chunks by the triggers below (in the writing transaction).
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  text,
  heading,
  content = 'chunks',
  content_rowid = 'seq',
  tokenize = 'porter unicode61'
);

CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, text, heading) VALUES (new.seq, new.text, new.heading);
END;

CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  INSERT INTO chunks_fts (chunks_fts, rowid, text, heading) VALUES ('delete', old.seq, old.text, old.heading);
END;
