/**
 * The collections API's requests and responses: requests are checked with these (parseRequest); the response
 * schemas describe the service's results for the OpenAPI document.
 */
import { flowNameSchema } from '@groundwork/runtime';
import { z } from 'zod';

/** Content types a document may be sent as, raw, in the body. */
export const DOCUMENT_CONTENT_TYPES = ['text/plain', 'text/markdown', 'text/html'];

/** The largest document upload (one raw document or a JSON batch): 10 MB. */
export const DOCUMENT_BODY_LIMIT = 10 * 1024 * 1024;

export const DOCUMENT_FORMATS = ['text', 'markdown', 'html'] as const;

export const DEFAULT_CHUNK_SIZE = 1000;
export const DEFAULT_CHUNK_OVERLAP = 150;
export const MIN_CHUNK_SIZE = 100;
export const MAX_CHUNK_SIZE = 20000;

export const DEFAULT_TOP_K = 5;
export const MAX_TOP_K = 100;
export const MAX_QUERY_LENGTH = 2000;
export const SEARCH_MODES = ['hybrid', 'keyword', 'vector'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** Collection names follow the rules of flow names: they appear in URLs, flow configs and on command lines. */
export const collectionNameSchema = flowNameSchema;

export const collectionParamsSchema = z.strictObject({
  collection: z.string().min(1).max(200).describe('A collection id (`col_…`) or name.'),
});

export const documentParamsSchema = collectionParamsSchema.extend({
  document: z.string().min(1).max(1000).describe('A document id (`doc_…`) or its source (URL-encoded).'),
});

export const sourceSchema = z
  .string()
  .trim()
  .min(1, { error: 'is empty: name the document (a path or a name)' })
  .max(1000)
  // Control characters would make sources unreadable in tables and terminals.
  .regex(/^[^\p{Cc}]*$/u, { error: 'must not contain control characters' });

export const createCollectionBodySchema = z.strictObject({
  name: collectionNameSchema,
  embeddingModel: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe('An ONNX sentence-embedding model: a name the server lists, or a folder path. Without one: BM25 only.'),
  chunkSize: z
    .int()
    .min(MIN_CHUNK_SIZE)
    .max(MAX_CHUNK_SIZE)
    .optional()
    .describe(`Characters per chunk (${DEFAULT_CHUNK_SIZE}).`),
  chunkOverlap: z
    .int()
    .min(0)
    .optional()
    .describe(`Characters repeated from the previous chunk (${DEFAULT_CHUNK_OVERLAP}; under half the chunk size).`),
});

export const addDocumentQuerySchema = z.strictObject({
  source: sourceSchema.optional().describe("The document's source (a path or name); required with a raw body."),
});

export const documentInputSchema = z.strictObject({
  source: sourceSchema,
  content: z.string(),
  format: z.enum(DOCUMENT_FORMATS).optional().describe("Told by the source's extension when not given."),
});

export const addDocumentsBodySchema = z.strictObject({
  documents: z.array(documentInputSchema).min(1).max(1000),
});

export const rawDocumentSchema = z
  .string({ error: 'send the document as the body (text/plain, text/markdown or text/html)' })
  .min(1, { error: 'is empty: the document is empty' });

export const searchBodySchema = z.strictObject({
  query: z.string().describe(`What to look for (at most ${MAX_QUERY_LENGTH} characters).`),
  topK: z.int().min(1).max(MAX_TOP_K).optional().describe(`How many passages (${DEFAULT_TOP_K}).`),
  sources: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .describe("Only these documents: a source equal to one, or under one that ends in '/'."),
  mode: z.enum(SEARCH_MODES).optional().describe('hybrid (default), keyword (BM25) or vector.'),
  vectorWeight: z.number().min(0).max(1).optional().describe("The vector list's weight in hybrid fusion (0.5)."),
});

export type SearchRequest = z.infer<typeof searchBodySchema>;

export const noQuerySchema = z.strictObject({});

// ---- responses

export const collectionSchema = z.object({
  id: z.string().describe('`col_…`'),
  name: z.string(),
  embeddingModel: z.string().nullable(),
  chunkSize: z.int(),
  chunkOverlap: z.int(),
  createdAt: z.iso.datetime(),
  documentCount: z.int(),
  chunkCount: z.int(),
});

export type Collection = z.infer<typeof collectionSchema>;
/** A collection's settings without its counts (which cost a scan of its rows): what adding and searching need. */
export type CollectionSettings = Omit<Collection, 'documentCount' | 'chunkCount'>;

export const documentSchema = z.object({
  id: z.string().describe('`doc_…`'),
  collectionId: z.string(),
  source: z.string(),
  format: z.enum(DOCUMENT_FORMATS),
  contentHash: z.string().describe('`sha256:` and the SHA-256 of the format and the content.'),
  chars: z.int().describe("Characters of the document's plain text."),
  chunkCount: z.int(),
  addedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export type CollectionDocument = z.infer<typeof documentSchema>;

export const ADD_STATUSES = ['added', 'replaced', 'unchanged'] as const;
export type AddStatus = (typeof ADD_STATUSES)[number];

export const addResultSchema = z.object({ document: documentSchema, status: z.enum(ADD_STATUSES) });

export const passageSchema = z.object({
  id: z.string().describe('The chunk id (`chk_…`).'),
  text: z.string(),
  source: z.string(),
  score: z
    .number()
    .describe(
      'Higher is better: BM25 relevance in keyword mode, cosine similarity in vector mode, the fused reciprocal-rank score in hybrid mode.',
    ),
  collection: z.string(),
  heading: z.string().nullable(),
  start: z.int(),
  end: z.int(),
  documentId: z.string(),
  keywordRank: z.int().nullable().describe('Its place in the BM25 list (from 1), or null when not in it.'),
  keywordScore: z.number().nullable().describe('Its BM25 relevance (higher is better), or null when not in that list.'),
  vectorRank: z.int().nullable(),
  vectorScore: z.number().nullable().describe('Its cosine similarity to the query, or null when not in that list.'),
  highlights: z.array(z.object({ start: z.int(), end: z.int() })).describe("The query's terms in `text`."),
});

export type SearchPassage = z.infer<typeof passageSchema>;

export const collectionResponseSchema = z.object({ collection: collectionSchema });
export const collectionListResponseSchema = z.object({ collections: z.array(collectionSchema) });
export const collectionDocumentsResponseSchema = z.object({
  collection: collectionSchema,
  documents: z.array(documentSchema),
});
export const addDocumentsResponseSchema = z.object({ results: z.array(addResultSchema) });
export const searchResponseSchema = z.object({
  passages: z.array(passageSchema),
  mode: z.enum(SEARCH_MODES).describe('The mode that answered: hybrid falls back to keyword without a model.'),
});
