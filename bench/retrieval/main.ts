// The retrieval benchmark: indexing rate (documents/s, chunks/s, MB/s) and query latency (p50/p99) of the server's
// collections, in-process on a SQLite file as `groundwork collections` and the server use them. Indexes this
// repository's docs/ and README.md, then a generated corpus (10,000 documents by default), and searches it with
// 200 seeded queries: BM25 alone, then, in a collection embedded with the tiny test embedding model, vector and
// hybrid (the model is a stand-in for the cost of search; a real encoder's own time per query is added on top).
// MiniSearch, the usual in-process JavaScript full-text search, indexes and searches the same chunks as the peer.
// Usage: npm run bench:retrieval [-- --documents N] [--queries N] [--seed N] [--no-vectors]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTestEmbeddingModel } from '../../packages/runtime/src/testing/embedding-fixtures.js';
import { documentFiles } from '../../packages/server/src/cli/collection-files.js';
import { CollectionService, type DocumentInput } from '../../packages/server/src/collections/collections.service.js';
import { openDatabase } from '../../packages/server/src/db/connection.js';
import { environment } from '../environment.js';
import { corpus, document, query } from './corpus.js';
import { indexWithMiniSearch } from './minisearch-peer.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const documentCount = option('documents', 10000);
const queryCount = option('queries', 200);
const seed = option('seed', 8);
const withVectors = !args.includes('--no-vectors');
const root = join(import.meta.dirname, '..', '..');

interface IndexRow {
  corpus: string;
  documents: number;
  chunks: number;
  megabytes: number;
  seconds: number;
}

interface QueryRow {
  collection: string;
  mode: string;
  chunks: number;
  latencies: number[];
}

const folder = mkdtempSync(join(tmpdir(), 'groundwork-bench-retrieval-'));
const db = openDatabase(join(folder, 'bench.db'));
const model = withVectors ? await writeTestEmbeddingModel(folder) : undefined;
const service = new CollectionService(db, { cwd: root });

/** Adds each document in its own transaction, as `groundwork collections add` does. */
async function index(collection: string, label: string, documents: readonly DocumentInput[]): Promise<IndexRow> {
  const started = performance.now();
  let chunks = 0;
  let bytes = 0;
  for (const input of documents) {
    const { document } = await service.addDocument(collection, input);
    chunks += document.chunkCount;
    bytes += Buffer.byteLength(input.content);
  }
  const seconds = (performance.now() - started) / 1000;
  return { corpus: label, documents: documents.length, chunks, megabytes: bytes / 1024 / 1024, seconds };
}

async function latencies(collection: string, mode: 'keyword' | 'vector' | 'hybrid', queries: string[]) {
  // A few searches first: prepared statements, caches and the model's first run are not what is measured.
  for (const text of queries.slice(0, 5)) await service.search(collection, { query: text, mode, topK: 5 });
  const times: number[] = [];
  for (const text of queries) {
    const started = performance.now();
    await service.search(collection, { query: text, mode, topK: 5 });
    times.push(performance.now() - started);
  }
  return { collection, mode, chunks: service.get(collection).chunkCount, latencies: times };
}

const indexed: IndexRow[] = [];
const searched: QueryRow[] = [];

const repoFiles = documentFiles([join(root, 'docs'), join(root, 'README.md')]);
const repoDocuments = repoFiles.map((file) => ({ source: file.source, content: readFileSync(file.path, 'utf8') }));
await service.create({ name: 'repo-docs' });
indexed.push(await index('repo-docs', "this repository's docs/ + README.md", repoDocuments));

const words = corpus(seed);
const generated = Array.from({ length: documentCount }, (_, number) => ({
  source: `generated/${String(number).padStart(5, '0')}.md`,
  content: document(words),
}));
const queries = Array.from({ length: queryCount }, () => query(words));
await service.create({ name: 'generated' });
indexed.push(await index('generated', `generated (${documentCount} documents)`, generated));
searched.push(await latencies('generated', 'keyword', queries));
// The peer, on the same documents and queries in the same run.
const peer = indexWithMiniSearch(generated);
indexed.push({
  corpus: 'generated, MiniSearch 7.2.0 (peer, in memory)',
  documents: documentCount,
  chunks: peer.chunks,
  megabytes: indexed.at(-1)!.megabytes,
  seconds: peer.seconds,
});
for (const text of queries.slice(0, 5)) peer.search(text);
const peerTimes = queries.map((text) => {
  const started = performance.now();
  peer.search(text);
  return performance.now() - started;
});
searched.push({
  collection: 'generated, MiniSearch (peer)',
  mode: 'keyword',
  chunks: peer.chunks,
  latencies: peerTimes,
});
searched.push(await latencies('repo-docs', 'keyword', ['how do I run a flow', 'groundedness scorer', 'API keys']));

if (model) {
  await service.create({ name: 'generated-embedded', embeddingModel: model });
  indexed.push(await index('generated-embedded', `generated, embedded (test model, 16 dimensions)`, generated));
  searched.push(await latencies('generated-embedded', 'vector', queries));
  searched.push(await latencies('generated-embedded', 'hybrid', queries));
}

await service.close();
db.close();
rmSync(folder, { recursive: true, force: true });

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const env = environment(root);
console.log(`Retrieval — ${env.date}, ${env.machine}, Node ${env.node}, commit ${env.commit}, seed ${seed}\n`);
console.log('| corpus | documents | chunks | MB | seconds | documents/s | chunks/s | MB/s |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of indexed) {
  const rate = (value: number, digits = 0) => (value / row.seconds).toFixed(digits);
  console.log(
    `| ${row.corpus} | ${row.documents} | ${row.chunks} | ${row.megabytes.toFixed(2)} | ${row.seconds.toFixed(2)} | ${rate(row.documents)} | ${rate(row.chunks)} | ${rate(row.megabytes, 2)} |`,
  );
}
console.log('\n| collection | mode | chunks | queries | p50 ms | p99 ms | mean ms |');
console.log('|---|---|---:|---:|---:|---:|---:|');
for (const row of searched) {
  const mean = row.latencies.reduce((sum, value) => sum + value, 0) / row.latencies.length;
  console.log(
    `| ${row.collection} | ${row.mode} | ${row.chunks} | ${row.latencies.length} | ${percentile(row.latencies, 50).toFixed(2)} | ${percentile(row.latencies, 99).toFixed(2)} | ${mean.toFixed(2)} |`,
  );
}
