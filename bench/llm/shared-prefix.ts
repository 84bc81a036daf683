// What computing a shared prompt prefix once buys (OnnxBatchModel.prefillShared): 8 requests whose prompts share
// their first PREFIX tokens and end in parts of their own of different lengths, sent at once, greedy, few new
// tokens (so that the prompts' cost shows), through the engine's public API with sharing on (the default) and off
// (GROUNDWORK_SHARED_PREFIX=0), each in its own engine, in one run. Reports the wall time of the 8 requests and the
// tokens each gets (greedy: the same either way on the CPU; on a GPU in fp16 near-ties can round apart).
// Usage (on the GPU machine, after `source bench/llm/device-env.sh`):
//   node --conditions=source --import tsx bench/llm/shared-prefix.ts --model DIR [--device cpu|webgpu]
//        [--prefix 448] [--tokens 16] [--repeats 3] [--out FILE]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OnnxEngine } from '@groundwork/runtime/models';
import { environment } from '../environment.js';
import { prepareModel } from './model-setup.js';
import { median } from './stats.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const device = option('device', 'cpu') as 'cpu' | 'webgpu';
const bench = prepareModel(resolve(option('model', '')), undefined);
const prefixLength = Math.min(Number(option('prefix', '448')), bench.folder.architecture.contextLength - 128);
const tokens = Number(option('tokens', '16'));
const repeats = Number(option('repeats', '3'));
const log = (line: string) => process.stderr.write(`${line}\n`);

const prefix = bench.prompt(prefixLength, 1).text;
// Own parts of 8 to 64 tokens: remainders of different lengths, as branches of one template have.
const prompts = [8, 16, 24, 32, 40, 48, 56, 64].map(
  (length, index) => `${prefix} ${bench.prompt(length, 10 + index).text}`,
);

async function measure(shared: boolean) {
  process.env.GROUNDWORK_SHARED_PREFIX = shared ? '' : '0';
  const engine = new OnnxEngine({ device, defaultModel: bench.path, searchPaths: [] });
  try {
    const model = await engine.get(undefined);
    if (model.info.provider !== device) throw new Error(`the model runs on ${model.info.provider}, not ${device}`);
    const run = () =>
      Promise.all(
        prompts.map((prompt) => model.generate({ prompt, maxTokens: tokens, temperature: 0, useChatTemplate: false })),
      );
    await run();
    const walls: number[] = [];
    let texts: string[] = [];
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      const results = await run();
      walls.push(performance.now() - started);
      texts = results.map((result) => result.text);
    }
    return { wallMs: median(walls), walls, texts };
  } finally {
    await engine.close();
  }
}

log(`${bench.folder.name} on ${device}: 8 prompts sharing ${prefixLength} tokens, ${tokens} new tokens each`);
const on = await measure(true);
const off = await measure(false);
const same = on.texts.filter((text, i) => text === off.texts[i]).length;
const env = { ...environment(resolve(import.meta.dirname, '..', '..')) };
if (process.env.BENCH_COMMIT) env.commit = process.env.BENCH_COMMIT;
const summary = {
  benchmark: 'llm-shared-prefix',
  environment: env,
  device,
  model: bench.folder.name,
  prefixTokens: prefixLength,
  newTokens: tokens,
  sharedMs: on.wallMs,
  unsharedMs: off.wallMs,
  speedup: off.wallMs / on.wallMs,
  sameTexts: `${same}/${prompts.length}`,
  walls: { shared: on.walls, unshared: off.walls },
};
console.log(
  `8 requests sharing a ${prefixLength}-token prefix, ${tokens} new tokens each, ${device}: ` +
    `shared ${on.wallMs.toFixed(0)} ms, not shared ${off.wallMs.toFixed(0)} ms (${summary.speedup.toFixed(2)}×); ` +
    `the same text ${summary.sameTexts}`,
);
const out = option('out', '');
if (out) {
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(resolve(out), `${JSON.stringify(summary, null, 2)}\n`);
}
