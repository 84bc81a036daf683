import { z } from 'zod';
import { RETRIEVE_MODES, type RetrieveRequest } from '../../retrieval/types.js';
import { primitive } from '../../schema/port-types.js';
import { defineNodeType, NodeError } from '../node-type.js';

const configSchema = z.strictObject({
  /** The collection's name (or id), as `groundwork collections create` and the editor's Collections page made it. */
  collection: z.string().min(1).describe('The document collection to search.'),
  topK: z.number().int().min(1).max(100).default(5).describe('How many passages to return, best first.'),
  sources: z
    .array(z.string().min(1))
    .optional()
    .describe("Only documents whose source is one of these, or starts with one that ends in '/' (a folder)."),
  mode: z
    .enum(RETRIEVE_MODES)
    .default('hybrid')
    .describe('keyword (BM25), vector (the collection’s embedding model) or hybrid (both, fused by rank).'),
  vectorWeight: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Hybrid only: the weight of the vector ranking; the keyword ranking gets the rest.'),
});

export const retrieveNode = defineNodeType({
  type: 'retrieve',
  title: 'Retrieve',
  description:
    'Searches a document collection for the passages that best match the query: keyword (BM25), vector (an embedding model) or hybrid ranking. Each passage has id, text, source, heading and score, for a prompt to cite and groundedness to check against. The server and the groundwork command provide the collections.',
  category: 'data',
  configSchema,
  defaultTimeoutMs: 60_000,
  ports() {
    return {
      inputs: [{ name: 'query', type: primitive('text'), required: true }],
      outputs: [{ name: 'passages', type: primitive('passages'), description: 'Best first.' }],
    };
  },
  async execute(inputs, context) {
    const { config, nodeId } = context;
    const query = String(inputs.query ?? '');
    if (!query.trim()) {
      throw new NodeError('empty-query', `retrieve node "${nodeId}": the query is empty`, { retryable: false });
    }
    if (!context.retriever) {
      throw new NodeError(
        'no-retriever',
        `retrieve node "${nodeId}": no document collections are available here (the server and the groundwork command provide them)`,
        { retryable: false },
      );
    }
    const request: RetrieveRequest = {
      collection: config.collection,
      query,
      topK: config.topK,
      mode: config.mode,
      vectorWeight: config.vectorWeight,
      ...(config.sources && config.sources.length > 0 ? { sources: config.sources } : {}),
    };
    let passages: unknown;
    try {
      passages = await context.retriever.search(request, context.signal);
    } catch (error) {
      // A cancelled run or a timed-out attempt keeps its own error, so the engine reports it as such.
      if (context.signal.aborted) throw error;
      throw new NodeError('retrieve-failed', `retrieve node "${nodeId}": ${(error as Error)?.message ?? error}`, {
        retryable: false,
        cause: error,
      });
    }
    // Through JSON so the output holds plain data only (a host may return richer objects).
    return { outputs: { passages: JSON.parse(JSON.stringify(passages)) } };
  },
});
