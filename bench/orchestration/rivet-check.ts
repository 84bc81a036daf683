// Proves the Rivet workloads really execute: every shape runs once traced (which nodes started / were skipped)
// and once plain (timed), and both outputs are checked. Exits non-zero on any wrong result.
// Usage: cd bench && node --import tsx orchestration/rivet-check.ts
import { setMaxListeners } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import { isMainThread, Worker } from 'node:worker_threads';
import { buildRivetWorkload, RIVET_INPUT, type RivetRunTrace, type WorkloadShape } from './rivet-workloads.js';

const shapes: WorkloadShape[] = [
  { kind: 'chain', length: 10 },
  { kind: 'chain', length: 100 },
  { kind: 'chain', length: 1000 },
  { kind: 'fan-out', width: 8 },
  { kind: 'fan-out', width: 64 },
  { kind: 'condition', branchLength: 5 },
];

const titles = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
const show = (value: unknown) => JSON.stringify(value)?.slice(0, 80);
const sameSet = (a: string[], b: string[]) => isDeepStrictEqual([...a].sort(), [...b].sort());

function expectedOutput(shape: WorkloadShape, input: string): unknown {
  return shape.kind === 'fan-out' ? Array.from({ length: shape.width }, () => input) : input;
}

/** Returns what is wrong with a traced run, or an empty list. */
function traceProblems(shape: WorkloadShape, nodeCount: number, trace: RivetRunTrace, input: string): string[] {
  const problems: string[] = [];
  if (!isDeepStrictEqual(trace.output, expectedOutput(shape, input))) {
    problems.push(`traced output ${show(trace.output)}`);
  }
  if (shape.kind !== 'condition') {
    if (trace.started.length !== nodeCount || trace.excluded.length !== 0) {
      problems.push(`${trace.started.length}/${nodeCount} nodes started, ${trace.excluded.length} excluded`);
    }
    return problems;
  }
  const [taken, skipped] = input ? ['true', 'false'] : ['false', 'true'];
  const expectedStarted = ['in', 'if', ...titles(taken, shape.branchLength), 'merge', 'out'];
  if (!sameSet(trace.started, expectedStarted)) {
    problems.push(`started [${trace.started}], expected [${expectedStarted}]`);
  }
  if (!sameSet(trace.excluded, titles(skipped, shape.branchLength))) {
    problems.push(`excluded [${trace.excluded}], expected the ${skipped} branch`);
  }
  return problems;
}

async function checkAll(): Promise<boolean> {
  let failed = false;
  for (const shape of shapes) {
    const label = Object.values(shape).join(' ');
    const problems: string[] = [];
    let nodeCount = 0;
    let ms = Number.NaN;
    try {
      const workload = buildRivetWorkload(shape);
      nodeCount = workload.nodeCount;
      problems.push(...traceProblems(shape, nodeCount, await workload.runTraced(), RIVET_INPUT));
      if (shape.kind === 'condition') {
        // The empty string is falsy to Rivet's If node: the same graph must then take the other branch.
        const falseRun = await workload.runTraced('');
        problems.push(...traceProblems(shape, nodeCount, falseRun, '').map((p) => `(false input) ${p}`));
      }

      const start = performance.now();
      const output = await workload.run();
      ms = performance.now() - start;
      if (!isDeepStrictEqual(output, expectedOutput(shape, RIVET_INPUT))) {
        problems.push(`run() output ${show(output)}`);
      }
    } catch (error) {
      problems.push(`threw ${error}`);
    }

    failed ||= problems.length > 0;
    const status = problems.length ? `FAIL: ${problems.join('; ')}` : 'ok';
    console.log(
      `${label.padEnd(14)} nodes=${String(nodeCount).padStart(4)}  one run ${ms.toFixed(2).padStart(8)} ms  ${status}`,
    );
  }
  return !failed;
}

// Rivet resolves a node's inputs by recursing synchronously (through p-queue) into every upstream node, so a chain
// of about 550 nodes overflows the main thread's default ~1 MB stack, and the RangeError escapes as an uncaught
// exception that run() cannot catch. A worker thread is the supported way to get a bigger stack without node flags;
// tsx only hooks the main thread, so the worker registers it itself before loading this file again.
const STACK_MB = 16;
if (isMainThread) {
  console.log(`(checks run in a worker thread with a ${STACK_MB} MB stack; see rivet-check.ts)`);
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
    .then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, resourceLimits: { stackSizeMb: STACK_MB } });
  worker.on('error', (error) => {
    console.error(error);
    process.exitCode = 1;
  });
  worker.on('exit', (code) => {
    process.exitCode ||= code;
  });
} else {
  // Rivet hangs an abort listener per in-flight node on the run's AbortSignal and expects its host to lift the
  // listener limit (via its newAbortController event); without that, fan-out 64 prints a spurious leak warning.
  setMaxListeners(0);
  process.exitCode = (await checkAll()) ? 0 : 1;
}
