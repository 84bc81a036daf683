// Times each generation of a fixed batch, one after another in one process, to see how a decode step's time moves
// over seconds (docs/benchmarks.md, "The same code runs at different speeds"). Prints one line a repeat: a label,
// the wall-clock start (ms since the epoch, to line up with `nvidia-smi --query-gpu=timestamp,clocks.sm,
// utilization.gpu --format=csv -lms 100` run beside it), the generation's ms and its ms a decode step.
// Usage (on the GPU machine, after bench/llm/synth.ts):
//   node --conditions=source --import tsx bench/llm/step-times.ts MODEL_DIR [--label L] [--repeats 16] [--rows 1]
//        [--tokens 64] [--device webgpu|cpu]
import { OnnxEngine } from '@groundwork/runtime/models';
import { prepareModel } from './model-setup.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const source = args[0];
if (!source || source.startsWith('--')) throw new Error('usage: bench/llm/step-times.ts MODEL_DIR [options]');
const label = option('label', 'run');
const repeats = Number(option('repeats', '16'));
const rows = Number(option('rows', '1'));
const tokens = Number(option('tokens', '64'));
const device = option('device', 'webgpu');
if (device !== 'webgpu' && device !== 'cpu') throw new Error(`--device must be webgpu or cpu, not ${device}`);
for (const [name, value] of Object.entries({ repeats, rows, tokens }))
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of 1 or more`);

const bench = prepareModel(source, undefined);
const engine = new OnnxEngine({ device, defaultModel: bench.path, searchPaths: [] });
const model = await engine.get(undefined);
const generate = async (maxTokens: number, seed: number) => {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: rows }, (_, row) =>
      model.generate({
        prompt: bench.prompt(128, seed * 1000 + row).text,
        maxTokens,
        temperature: 0,
        useChatTemplate: false,
      }),
    ),
  );
  return performance.now() - started;
};
await generate(tokens, 0);
const firstToken = await generate(1, 0);
for (let repeat = 1; repeat <= repeats; repeat++) {
  const start = Date.now();
  const ms = await generate(tokens, repeat);
  console.log(`${label} ${start} ${ms.toFixed(0)} ${((ms - firstToken) / (tokens - 1)).toFixed(2)}`);
}
await engine.close();
