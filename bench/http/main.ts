// The HTTP load benchmark: many concurrent calls of a published flow on stories260K, against a real
// `groundwork serve` process on loopback. Reports throughput, latency percentiles and how long the server's event
// loop was kept waiting meanwhile (its model engine runs in a worker, so the loop should stay free).
// Usage: npm run bench:http [-- --calls 200 --tokens 48 --rounds 3]   (after tsc -b)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Agent, setGlobalDispatcher } from 'undici';
import { ROOT, request, STORIES_260K, startServer } from '../../tests/http/server-process.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const calls = option('calls', 200);
const maxTokens = option('tokens', 48);
const rounds = option('rounds', 3);

// One connection per call in flight, as 200 separate clients would have.
setGlobalDispatcher(new Agent({ connections: calls, keepAliveTimeout: 10_000 }));

const golden = JSON.parse(readFileSync(join(STORIES_260K, 'golden.json'), 'utf8')) as {
  prompt: string;
  greedy_text_pieces_joined: string;
}[];
const expected = golden[0]!.greedy_text_pieces_joined.slice(0, 40);

const flow = {
  schemaVersion: 1,
  name: 'story',
  inputs: { prompt: { type: 'text' } },
  outputs: { story: { type: 'text' } },
  nodes: [
    { id: 'prompt', type: 'input', config: { name: 'prompt' } },
    { id: 'write', type: 'llm', config: { maxTokens, temperature: 0 } },
    { id: 'story', type: 'output', config: { name: 'story' } },
  ],
  edges: [
    { from: 'prompt.value', to: 'write.prompt' },
    { from: 'write.text', to: 'story.value' },
  ],
};

const percentile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function round(url: string) {
  await request(url, 'GET', '/api/health?reset=true');
  const started = performance.now();
  const latencies = await Promise.all(
    Array.from({ length: calls }, async () => {
      const begin = performance.now();
      const response = await request(url, 'POST', '/api/v1/flows/story/run', { inputs: { prompt: golden[0]!.prompt } });
      if (response.status !== 200 || !String(response.body.outputs?.story).startsWith(expected.slice(0, 30))) {
        throw new Error(`call failed: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
      }
      return performance.now() - begin;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const health = await request(url, 'GET', '/api/health');
  latencies.sort((a, b) => a - b);
  return {
    seconds,
    callsPerSecond: calls / seconds,
    tokensPerSecond: (calls * maxTokens) / seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    loop: health.body.eventLoopDelayMs as { p50: number; p99: number; max: number },
  };
}

const server = await startServer();
try {
  const created = await request(server.url, 'POST', '/api/flows', { flow });
  if (created.status !== 201) throw new Error(`cannot save the flow: ${JSON.stringify(created.body)}`);
  await round(server.url); // warm-up: loads the model
  const results: Awaited<ReturnType<typeof round>>[] = [];
  for (let i = 0; i < rounds; i++) results.push(await round(server.url));
  const median = (pick: (r: (typeof results)[number]) => number) =>
    [...results].map(pick).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {}
  console.log(
    `HTTP load — ${new Date().toISOString().slice(0, 10)}, ${cpus()[0]?.model}, ${cpus().length} cores, Node ${process.version}, commit ${commit}`,
  );
  console.log(
    `${calls} concurrent calls of POST /api/v1/flows/story/run (stories260K, ${maxTokens} tokens each, CPU), median of ${rounds} rounds\n`,
  );
  console.log(
    '| rounds | calls/s | generated tok/s | p50 latency ms | p99 latency ms | event-loop lag p99 ms | event-loop lag max ms |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  console.log(
    `| ${rounds} | ${median((r) => r.callsPerSecond).toFixed(1)} | ${median((r) => r.tokensPerSecond).toFixed(0)} | ${median((r) => r.p50).toFixed(0)} | ${median((r) => r.p99).toFixed(0)} | ${median((r) => r.loop.p99).toFixed(1)} | ${Math.max(...results.map((r) => r.loop.max)).toFixed(1)} |`,
  );
} finally {
  await server.stop();
}
