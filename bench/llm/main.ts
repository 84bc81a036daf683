// The LLM throughput benchmark: one model folder, one execution provider, every row in one run, through the
// engine's public API (OnnxModel.generate and runFlow, as flows and the server use them). Rows: decode at batch 1,
// 8, 32, 64 (that many concurrent requests); time to first token and prefill of a long prompt; 8 concurrent
// requests of different prompt lengths; a flow of 8 parallel llm branches against 1 branch; and transformers.js
// 4.3.1, the peer, on the same folder, prompts and provider (batch 1 and 8 concurrent generate() calls).
// Every request generates exactly the tokens asked for (see model-setup.ts) and is checked to have done so.
// Usage: npm run bench:llm -- --model DIR [--device cpu|webgpu] [--dtype fp32|fp16] [--out FILE]
//        [--batches 1,8,32,64] [--tokens 64] [--prompt 128] [--long-prompt 512] [--repeats 3] [--threads N]
//        [--no-peer]   (through npm, relative paths are relative to bench/)
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { OnnxEngine } from '@groundwork/runtime/models';
import { environment } from '../environment.js';
import { decodeRow, mixedLengths, mixedRow, prefillRows, type Row, type RowSettings } from './engine-rows.js';
import { flowRow } from './flow-row.js';
import { prepareModel } from './model-setup.js';
import { formatTable } from './table.js';
import { type PeerFigures, runTransformersPeer } from './transformers-peer.js';

const root = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const number = (name: string, fallback: number) => {
  const value = Number(option(name, String(fallback)));
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of 1 or more`);
  return value;
};

const device = option('device', 'cpu');
if (device !== 'cpu' && device !== 'webgpu') throw new Error(`--device must be cpu or webgpu, not ${device}`);
const source = resolve(option('model', join(root, '..', 'shared', 'models', 'stories260K')));
const dtype = args.includes('--dtype') ? option('dtype', '') : undefined;
const out = args.includes('--out') ? resolve(option('out', '')) : undefined;
const batches = option('batches', '1,8,32,64').split(',').map(Number);
if (batches.some((batch) => !Number.isInteger(batch) || batch < 1))
  throw new Error('--batches must list whole numbers, such as 1,8,32,64');
const withPeer = !args.includes('--no-peer');
const log = (line: string) => process.stderr.write(`${line}\n`);

const bench = prepareModel(source, dtype);
const context = bench.folder.architecture.contextLength;
const tokens = number('tokens', 64);
const settings: RowSettings = {
  tokens,
  // Every prompt leaves room for its new tokens in the model's context (stories260K has 512 positions in all).
  promptLength: Math.min(number('prompt', 128), context - tokens - 1),
  longPrompt: Math.min(number('long-prompt', 512), context - 1),
  repeats: number('repeats', 3),
};
// Both engines get the same CPU threads: the engine's default (one core left to the main thread) unless told.
const threads = number('threads', Number(process.env.GROUNDWORK_THREADS) || Math.max(1, availableParallelism() - 1));
log(`model ${source} (${bench.folder.dtype}, context ${context}), device ${device}; view ${bench.path}`);

const engine = new OnnxEngine({ device, threads, defaultModel: bench.path, searchPaths: [] });
const model = await engine.get(undefined);
if (model.info.provider !== device)
  throw new Error(
    `the engine runs the model on ${model.info.provider}, not ${device}: ${JSON.stringify(model.info.providerReasons)}`,
  );

const rows: Row[] = [];
const measure = async <T extends Row | Row[]>(what: string, work: () => Promise<T>) => {
  log(`measuring ${what} ...`);
  const started = performance.now();
  const result = await work();
  rows.push(...(Array.isArray(result) ? result : [result]));
  log(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
};
for (const batch of batches) await measure(`decode at batch ${batch}`, () => decodeRow(model, bench, batch, settings));
await measure('time to first token and prefill', () => prefillRows(model, bench, settings));
await measure('8 concurrent requests', () => mixedRow(model, bench, settings));
await measure('the 8-branch flow', () =>
  flowRow(engine, bench.prompt(settings.promptLength, 77), { branches: 8, tokens, repeats: settings.repeats }),
);
await engine.close();

let peer: PeerFigures | { error: string } | undefined;
if (withPeer) {
  log('measuring transformers.js (batch 1, then 8 concurrent generate() calls) ...');
  try {
    peer = await runTransformersPeer(bench, device, {
      tokens,
      promptLength: settings.promptLength,
      mixedLengths: mixedLengths(context, tokens),
      repeats: settings.repeats,
      threads,
    });
    attachPeer(rows, peer);
  } catch (error) {
    // The engine's figures stand on their own; the reason the peer did not run is reported with them.
    peer = { error: error instanceof Error ? error.message : String(error) };
    log(`transformers.js did not run: ${peer.error}`);
  }
}

function attachPeer(rows: Row[], figures: PeerFigures): void {
  const batch1 = rows.find((row) => row.id === 'decode-batch-1');
  if (batch1) batch1.peer = { tokensPerSecond: figures.batch1.tokensPerSecond, msPerStep: figures.batch1.msPerStep };
  const mixed = rows.find((row) => row.id === 'concurrent-8-mixed');
  if (mixed) mixed.peer = { tokensPerSecond: figures.concurrent8.tokensPerSecond, wallMs: figures.concurrent8.wallMs };
  rows.push(
    {
      id: 'peer-batch-1',
      label: `transformers.js ${figures.version}: batch-1 generate() (decode, prompt ${settings.promptLength})`,
      tokensPerSecond: figures.batch1.tokensPerSecond,
      msPerStep: figures.batch1.msPerStep,
      detail: figures.batch1,
    },
    {
      id: 'peer-concurrent-8',
      label: `transformers.js ${figures.version}: 8 concurrent generate() calls (the same 8 prompts)`,
      tokensPerSecond: figures.concurrent8.tokensPerSecond,
      p50Ms: figures.concurrent8.p50Ms,
      p99Ms: figures.concurrent8.p99Ms,
      wallMs: figures.concurrent8.wallMs,
      detail: figures.concurrent8,
    },
  );
}

const env = { ...environment(root), gpu: gpuName() };
if (process.env.BENCH_COMMIT) env.commit = process.env.BENCH_COMMIT;
const heading = `${env.date} · ${device} (${model.info.provider}) · ${env.gpu ?? env.machine} · Node ${env.node} · commit ${env.commit}`;
// The engine's settings from the environment that change these figures, named in the heading when set.
const engineSettings = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name.startsWith('GROUNDWORK_')),
) as Record<string, string>;
const settingsNote = Object.entries(engineSettings)
  .map(([name, value]) => `${name}=${value}`)
  .join(', ');
const description = `model ${bench.folder.name} (${bench.folder.dtype}, ${bench.folder.architecture.numLayers} layers, vocab ${bench.folder.architecture.vocabSize}), greedy, ${tokens} new tokens per request, median of ${settings.repeats} runs${settingsNote ? `; ${settingsNote}` : ''}`;
console.log(`\n**${heading}**\n\n${description}\n\n${formatTable(rows)}\n`);

if (out) {
  mkdirSync(dirname(out), { recursive: true });
  const result = {
    benchmark: 'llm',
    environment: env,
    device,
    model: { source, name: bench.folder.name, dtype: bench.folder.dtype, architecture: bench.folder.architecture },
    provider: model.info.provider,
    settings: { ...settings, threads },
    engineSettings,
    rows,
    peer,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${out}`);
}

/** The GPU's name when nvidia-smi is there (the device machine), else undefined. */
function gpuName(): string | undefined {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version', '--format=csv,noheader'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}
