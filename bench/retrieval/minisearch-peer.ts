// The peer for keyword search: MiniSearch (in-memory full-text search for JavaScript, BM25+ ranking), over the same
// chunks the collection holds (chunkDocument with the collection's default size and overlap), so both rank the same
// units. MiniSearch keeps its index in the process's memory and writes nothing; Groundwork's is an SQLite file.
import { chunkDocument } from '@groundwork/runtime/retrieval';
import MiniSearch from 'minisearch';

export interface PeerIndex {
  seconds: number;
  chunks: number;
  search(query: string): void;
}

export function indexWithMiniSearch(documents: readonly { source: string; content: string }[]): PeerIndex {
  const started = performance.now();
  const search = new MiniSearch<{ id: number; text: string; heading: string }>({
    fields: ['text', 'heading'],
    storeFields: ['text'],
  });
  let id = 0;
  for (const document of documents) {
    const { chunks } = chunkDocument(document.content, { format: 'markdown' });
    search.addAll(chunks.map((chunk) => ({ id: id++, text: chunk.text, heading: chunk.heading ?? '' })));
  }
  return {
    seconds: (performance.now() - started) / 1000,
    chunks: id,
    search: (query) => {
      search.search(query).slice(0, 5);
    },
  };
}
