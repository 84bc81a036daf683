// The orchestration-overhead benchmark: the same no-op graphs in Groundwork's engine and in Rivet
// (@ironclad/rivet-core), in one process, one after the other per workload. Prints a Markdown table (µs per node,
// ratio) and, with --out FILE, writes the rows as JSON.
// Usage: npm run bench:orchestration [-- --out bench/results/orchestration.json] [-- --quick]
import { setMaxListeners } from 'node:events';
import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { environment } from '../environment.js';
import { buildGroundworkWorkload, GROUNDWORK_INPUT } from './groundwork-workloads.js';
import { type Measurement, measure } from './measure.js';
import { buildRivetWorkload, RIVET_INPUT, type WorkloadShape } from './rivet-workloads.js';

const SHAPES: { label: string; shape: WorkloadShape }[] = [
  { label: 'chain of 10', shape: { kind: 'chain', length: 10 } },
  { label: 'chain of 100', shape: { kind: 'chain', length: 100 } },
  { label: 'chain of 1000', shape: { kind: 'chain', length: 1000 } },
  { label: 'fan-out of 8 + join', shape: { kind: 'fan-out', width: 8 } },
  { label: 'fan-out of 64 + join', shape: { kind: 'fan-out', width: 64 } },
  { label: 'condition, two 5-node branches', shape: { kind: 'condition', branchLength: 5 } },
];

interface Row {
  workload: string;
  nodes: number;
  groundwork: Measurement;
  groundworkAsync: Measurement;
  rivet: Measurement;
}

function expected(shape: WorkloadShape, input: string): unknown {
  return shape.kind === 'fan-out' ? Array.from({ length: shape.width }, () => input) : input;
}

async function benchmark(quick: boolean): Promise<Row[]> {
  const timing = quick
    ? { warmupMs: 50, minSamples: 5, minTimeMs: 100 }
    : { warmupMs: 500, minSamples: 30, minTimeMs: 2000 };
  const rows: Row[] = [];
  for (const { label, shape } of SHAPES) {
    const ours = buildGroundworkWorkload(shape);
    const oursAsync = buildGroundworkWorkload(shape, { async: true });
    const rivet = buildRivetWorkload(shape);
    if (ours.nodeCount !== rivet.nodeCount)
      throw new Error(`${label}: ${ours.nodeCount} nodes here, ${rivet.nodeCount} in Rivet`);
    for (const [name, workload, input] of [
      ['groundwork', ours, GROUNDWORK_INPUT],
      ['groundwork (async no-op)', oursAsync, GROUNDWORK_INPUT],
      ['rivet', rivet, RIVET_INPUT],
    ] as const) {
      const output = await workload.run();
      if (!isDeepStrictEqual(output, expected(shape, input)))
        throw new Error(`${label}: ${name} gave ${JSON.stringify(output).slice(0, 80)}`);
    }
    const row: Row = {
      workload: label,
      nodes: ours.nodeCount,
      groundwork: await measure(() => ours.run(), timing),
      groundworkAsync: await measure(() => oursAsync.run(), timing),
      rivet: await measure(() => rivet.run(), timing),
    };
    rows.push(row);
    process.stderr.write(`${label}: done\n`);
  }
  return rows;
}

function table(rows: Row[]): string {
  const perNode = (m: Measurement, nodes: number) => (m.medianUs / nodes).toFixed(2);
  const lines = [
    '| workload | nodes | Groundwork µs/run | Groundwork µs/node | (async no-op) µs/node | Rivet µs/run | Rivet µs/node | Rivet ÷ Groundwork |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.workload} | ${row.nodes} | ${row.groundwork.medianUs.toFixed(1)} | ${perNode(row.groundwork, row.nodes)} | ${perNode(row.groundworkAsync, row.nodes)} | ${row.rivet.medianUs.toFixed(0)} | ${perNode(row.rivet, row.nodes)} | ${(row.rivet.medianUs / row.groundwork.medianUs).toFixed(0)}× |`,
    );
  }
  return lines.join('\n');
}

// Rivet resolves inputs by recursing through every upstream node, so its chain of 1000 overflows the main thread's
// stack; both engines therefore run in one worker with a larger stack (tsx hooks only the main thread, so the
// worker registers it before loading this file again).
const STACK_MB = 64;
if (isMainThread) {
  const args = process.argv.slice(2);
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, {
    eval: true,
    resourceLimits: { stackSizeMb: STACK_MB },
    workerData: { quick: args.includes('--quick') },
  });
  worker.on('message', (rows: Row[]) => {
    const env = environment();
    console.log(`Orchestration overhead — ${env.date}, ${env.machine}, Node ${env.node}, commit ${env.commit}\n`);
    console.log(table(rows));
    if (out) writeFileSync(out, `${JSON.stringify({ ...env, rows }, null, 2)}\n`);
  });
  worker.on('error', (error) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  // Rivet hangs an abort listener per in-flight node on one signal; lift the limit so fan-out 64 prints no warning.
  setMaxListeners(0);
  const { parentPort } = await import('node:worker_threads');
  parentPort!.postMessage(await benchmark(Boolean((workerData as { quick?: boolean }).quick)));
}
