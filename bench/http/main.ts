// The HTTP load benchmark: many concurrent calls of a published flow on stories260K, against a real
// `groundwork serve` process on loopback. Reports throughput, latency percentiles and how long the server's event
// loop was kept waiting meanwhile (its model engine runs in a worker, so the loop should stay free), in two loads:
//  - steady: `calls` clients, each with one call in flight at all times (a closed loop, as wrk runs), `seconds` long;
//  - burst: `calls` calls sent in the same instant, `rounds` times (the worst case for the event loop).
// The load generator shares the machine's cores with the server, so it lowers its own priority once the server is
// up, standing in for clients on other machines.
// Usage: npm run bench:http [-- --calls 200 --tokens 48 --seconds 10 --rounds 3]   (after tsc -b)
import { readFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { Agent, setGlobalDispatcher } from 'undici';
import { ROOT, request, STORIES_260K, startServer } from '../../tests/http/server-process.js';
import { environment } from '../environment.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const calls = option('calls', 200);
const maxTokens = option('tokens', 48);
const rounds = option('rounds', 3);
const seconds = option('seconds', 10);

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

/** One published call, its output checked; resolves with its latency in ms. */
async function call(url: string): Promise<number> {
  const begin = performance.now();
  const response = await request(url, 'POST', '/api/v1/flows/story/run', { inputs: { prompt: golden[0]!.prompt } });
  if (response.status !== 200 || !String(response.body.outputs?.story).startsWith(expected.slice(0, 30))) {
    throw new Error(`call failed: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
  }
  return performance.now() - begin;
}

interface Measured {
  calls: number;
  seconds: number;
  latencies: number[];
  loop: { p50: number; p99: number; max: number };
}

async function measured(url: string, load: () => Promise<number[]>): Promise<Measured> {
  await request(url, 'GET', '/api/health?reset=true');
  const started = performance.now();
  const latencies = (await load()).sort((a, b) => a - b);
  const elapsed = (performance.now() - started) / 1000;
  const health = await request(url, 'GET', '/api/health');
  return { calls: latencies.length, seconds: elapsed, latencies, loop: health.body.eventLoopDelayMs };
}

/** `calls` clients, each sending its next call when the last one answers, until `seconds` have passed. */
const steady = (url: string) =>
  measured(url, async () => {
    const end = performance.now() + seconds * 1000;
    const clients = Array.from({ length: calls }, async () => {
      const times: number[] = [];
      while (performance.now() < end) times.push(await call(url));
      return times;
    });
    return (await Promise.all(clients)).flat();
  });

/** `calls` calls sent at once. */
const burst = (url: string) => measured(url, () => Promise.all(Array.from({ length: calls }, () => call(url))));

function row(label: string, m: Measured): string {
  const callsPerSecond = m.calls / m.seconds;
  return `| ${label} | ${m.calls} | ${callsPerSecond.toFixed(1)} | ${(callsPerSecond * maxTokens).toFixed(0)} | ${percentile(m.latencies, 0.5).toFixed(0)} | ${percentile(m.latencies, 0.99).toFixed(0)} | ${m.loop.p50.toFixed(1)} | ${m.loop.p99.toFixed(1)} | ${m.loop.max.toFixed(1)} |`;
}

const server = await startServer();
try {
  const created = await request(server.url, 'POST', '/api/flows', { flow });
  if (created.status !== 201) throw new Error(`cannot save the flow: ${JSON.stringify(created.body)}`);
  await burst(server.url); // warm-up: loads the model
  setPriority(19);
  const steadyRun = await steady(server.url);
  const bursts: Measured[] = [];
  for (let i = 0; i < rounds; i++) bursts.push(await burst(server.url));
  bursts.sort((a, b) => a.loop.max - b.loop.max);
  const env = environment(ROOT);
  console.log(`HTTP load — ${env.date}, ${env.machine}, Node ${env.node}, commit ${env.commit}`);
  console.log(
    `POST /api/v1/flows/story/run on stories260K (${maxTokens} tokens each, CPU), ${calls} calls in flight\n`,
  );
  console.log(
    '| load | calls | calls/s | generated tok/s | p50 latency ms | p99 latency ms | loop lag p50 ms | loop lag p99 ms | loop lag max ms |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  console.log(row(`steady, ${calls} clients × ${seconds} s`, steadyRun));
  console.log(row(`burst of ${calls} at once (median of ${rounds})`, bursts[Math.floor(bursts.length / 2)]!));
} finally {
  await server.stop();
}
