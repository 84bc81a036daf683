// The engine's rows of the LLM benchmark, through its public API (OnnxModel.generate, as flows call it): every
// request is sent at once as concurrent callers would, greedy, with exact prompt lengths and exact output lengths
// (checked: a request that generated fewer tokens than asked stops the benchmark instead of flattering it).
import type { LanguageModel } from '@groundwork/runtime';
import type { BenchModel, Prompt } from './model-setup.js';
import { decodeFigures, median, percentile } from './stats.js';

export interface Row {
  id: string;
  label: string;
  tokensPerSecond?: number;
  msPerStep?: number;
  p50Ms?: number;
  p99Ms?: number;
  wallMs?: number;
  /** A ratio the row is about (the flow row: 8 branches against 1). */
  ratio?: number;
  /** The same measurement by the peer, where there is one. */
  peer?: { tokensPerSecond: number; msPerStep?: number; wallMs?: number };
  detail: Record<string, unknown>;
}

export interface RowSettings {
  /** New tokens per request in decode and concurrency rows. */
  tokens: number;
  /** Prompt length of the decode rows. */
  promptLength: number;
  /** Prompt length of the time-to-first-token and prefill rows. */
  longPrompt: number;
  repeats: number;
}

/** Sends every prompt at once; resolves with each request's latency once all are done. */
export async function generateAll(model: LanguageModel, prompts: readonly Prompt[], maxTokens: number) {
  const started = performance.now();
  const latencies = await Promise.all(
    prompts.map(async (prompt) => {
      const result = await model.generate({ prompt: prompt.text, maxTokens, temperature: 0, useChatTemplate: false });
      const { inputTokens, outputTokens } = result.usage;
      if (inputTokens !== prompt.ids.length || outputTokens !== maxTokens)
        throw new Error(
          `a request read ${inputTokens} prompt tokens and generated ${outputTokens} (expected ${prompt.ids.length} and ${maxTokens})`,
        );
      return performance.now() - started;
    }),
  );
  return { wallMs: performance.now() - started, latencies };
}

function prompts(bench: BenchModel, count: number, length: number, seed: number): Prompt[] {
  return Array.from({ length: count }, (_, index) => bench.prompt(length, seed * 1000 + index));
}

/** Decode at a batch of `batch` concurrent requests with the same prompt length. */
export async function decodeRow(model: LanguageModel, bench: BenchModel, batch: number, settings: RowSettings) {
  const { tokens, promptLength, repeats } = settings;
  await generateAll(model, prompts(bench, batch, promptLength, 0), tokens);
  const first: number[] = [];
  const full: number[] = [];
  for (let repeat = 1; repeat <= repeats; repeat++) {
    const sent = prompts(bench, batch, promptLength, repeat);
    first.push((await generateAll(model, sent, 1)).wallMs);
    full.push((await generateAll(model, sent, tokens)).wallMs);
  }
  const figures = decodeFigures(batch, tokens, median(first), median(full));
  return {
    id: `decode-batch-${batch}`,
    label: `decode, batch ${batch} (${batch} concurrent request${batch === 1 ? '' : 's'}, prompt ${promptLength}, ${tokens} new tokens each)`,
    tokensPerSecond: figures.decodeTokensPerSecond,
    msPerStep: figures.msPerStep,
    wallMs: median(full),
    detail: { ...figures, firstTokenMs: first, fullMs: full },
  } satisfies Row;
}

/** Time to first token of one long prompt (median), and prefill throughput alone and for 8 at once. */
export async function prefillRows(model: LanguageModel, bench: BenchModel, settings: RowSettings): Promise<Row[]> {
  const length = settings.longPrompt;
  const samples = Math.max(5, settings.repeats);
  await generateAll(model, prompts(bench, 1, length, 0), 1);
  const alone: number[] = [];
  for (let repeat = 1; repeat <= samples; repeat++)
    alone.push((await generateAll(model, prompts(bench, 1, length, repeat), 1)).wallMs);
  await generateAll(model, prompts(bench, 8, length, 0), 1);
  const eight: number[] = [];
  for (let repeat = 1; repeat <= settings.repeats; repeat++)
    eight.push((await generateAll(model, prompts(bench, 8, length, repeat), 1)).wallMs);
  const ttft = median(alone);
  return [
    {
      id: 'time-to-first-token',
      label: `time to first token, ${length}-token prompt (median of ${samples})`,
      p50Ms: ttft,
      p99Ms: percentile(alone, 99),
      detail: { ms: alone },
    },
    {
      id: 'prefill-batch-1',
      label: `prefill, 1 prompt of ${length} tokens`,
      tokensPerSecond: (length * 1000) / ttft,
      wallMs: ttft,
      detail: {},
    },
    {
      id: 'prefill-batch-8',
      label: `prefill, 8 concurrent prompts of ${length} tokens`,
      tokensPerSecond: (8 * length * 1000) / median(eight),
      wallMs: median(eight),
      detail: { ms: eight },
    },
  ];
}

/** Prompt lengths of the mixed-concurrency row, cut to what the model's context leaves room for. */
export function mixedLengths(contextLength: number, tokens: number): number[] {
  const room = contextLength - tokens - 1;
  return [16, 48, 96, 128, 192, 256, 384, 512].map((length) => Math.min(length, room));
}

/** 8 concurrent requests of different prompt lengths: aggregate tok/s and each request's latency. */
export async function mixedRow(model: LanguageModel, bench: BenchModel, settings: RowSettings): Promise<Row> {
  const lengths = mixedLengths(bench.folder.architecture.contextLength, settings.tokens);
  const sent = (seed: number) => lengths.map((length, index) => bench.prompt(length, seed * 1000 + index));
  await generateAll(model, sent(0), settings.tokens);
  const walls: number[] = [];
  const latencies: number[] = [];
  for (let repeat = 1; repeat <= settings.repeats; repeat++) {
    const run = await generateAll(model, sent(repeat), settings.tokens);
    walls.push(run.wallMs);
    latencies.push(...run.latencies);
  }
  const wall = median(walls);
  return {
    id: 'concurrent-8-mixed',
    label: `8 concurrent requests, prompts of ${lengths.join('/')} tokens, ${settings.tokens} new tokens each`,
    tokensPerSecond: (8 * settings.tokens * 1000) / wall,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    wallMs: wall,
    detail: { lengths, wallMs: walls, latencyMs: latencies },
  };
}
