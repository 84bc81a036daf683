// The peer of the LLM benchmark: transformers.js 4.3.1 (`@huggingface/transformers`) on the same model folder view,
// the same prompt ids and the same execution provider: batch-1 generate() (decode tok/s from 1 and from N new
// tokens, as for the engine) and 8 concurrent generate() calls (the engine's mixed-lengths row, same prompts).
// Greedy, max_new_tokens = min_new_tokens, so it generates exactly as many tokens as the engine.
import { basename, dirname } from 'node:path';
import type { BenchModel, Prompt } from './model-setup.js';
import { decodeFigures, median, percentile } from './stats.js';

type Transformers = typeof import('@huggingface/transformers');

export interface PeerFigures {
  version: string;
  batch1: { tokensPerSecond: number; msPerStep: number; firstTokenMs: number[]; fullMs: number[] };
  concurrent8: { tokensPerSecond: number; wallMs: number; p50Ms: number; p99Ms: number; latencyMs: number[] };
}

export async function runTransformersPeer(
  bench: BenchModel,
  device: 'cpu' | 'webgpu',
  settings: { tokens: number; promptLength: number; mixedLengths: number[]; repeats: number; threads: number },
): Promise<PeerFigures> {
  const library: Transformers = await import('@huggingface/transformers');
  const { AutoModelForCausalLM, env, Tensor } = library;
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(bench.path);
  const dtype = bench.folder.dtype === 'fp16' ? 'fp16' : 'fp32';
  const model = await AutoModelForCausalLM.from_pretrained(basename(bench.path), {
    device,
    dtype,
    local_files_only: true,
    // The same intra-op threads as the engine (ONNX Runtime would take every core otherwise).
    session_options: { intraOpNumThreads: settings.threads },
  });

  const generate = async (prompt: Prompt, tokens: number) => {
    const ids = BigInt64Array.from(prompt.ids, (id) => BigInt(id));
    const input_ids = new Tensor('int64', ids, [1, ids.length]);
    const attention_mask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
    const output = (await model.generate({
      input_ids,
      attention_mask,
      max_new_tokens: tokens,
      min_new_tokens: tokens,
      do_sample: false,
    })) as { dims: number[] };
    const generated = output.dims[1]! - ids.length;
    if (generated !== tokens) throw new Error(`transformers.js generated ${generated} tokens (expected ${tokens})`);
  };
  const concurrent = async (prompts: readonly Prompt[], tokens: number) => {
    const started = performance.now();
    const latencies = await Promise.all(
      prompts.map(async (prompt) => {
        await generate(prompt, tokens);
        return performance.now() - started;
      }),
    );
    return { wallMs: performance.now() - started, latencies };
  };

  const { tokens, promptLength, mixedLengths, repeats } = settings;
  await generate(bench.prompt(promptLength, 0), tokens);
  const first: number[] = [];
  const full: number[] = [];
  for (let repeat = 1; repeat <= repeats; repeat++) {
    const prompt = bench.prompt(promptLength, repeat * 1000);
    first.push((await concurrent([prompt], 1)).wallMs);
    full.push((await concurrent([prompt], tokens)).wallMs);
  }
  const figures = decodeFigures(1, tokens, median(first), median(full));

  const mixed = (seed: number) => mixedLengths.map((length, index) => bench.prompt(length, seed * 1000 + index));
  const walls: number[] = [];
  const latencies: number[] = [];
  // One round of 8 concurrent calls takes as long as 8 calls in a row: fewer repeats keep the run short.
  for (let repeat = 1; repeat <= Math.min(repeats, 2); repeat++) {
    const run = await concurrent(mixed(repeat), tokens);
    walls.push(run.wallMs);
    latencies.push(...run.latencies);
  }
  await model.dispose();
  return {
    version: library.env.version,
    batch1: {
      tokensPerSecond: figures.decodeTokensPerSecond,
      msPerStep: figures.msPerStep,
      firstTokenMs: first,
      fullMs: full,
    },
    concurrent8: {
      tokensPerSecond: (mixedLengths.length * tokens * 1000) / median(walls),
      wallMs: median(walls),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      latencyMs: latencies,
    },
  };
}
