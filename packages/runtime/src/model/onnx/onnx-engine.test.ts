import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  copyStories,
  goldenText,
  readGolden,
  renameOperator,
  STORIES_260K,
  temporaryFolder,
  writeGenaiCopy,
} from '../../testing/model-fixtures.js';
import { OnnxEngine, type OnnxModel } from './onnx-engine.js';

const golden = readGolden();

describe('OnnxEngine on stories260K (CPU)', () => {
  let engine: OnnxEngine;
  let model: OnnxModel;
  beforeAll(async () => {
    engine = new OnnxEngine({ defaultModel: STORIES_260K, device: 'auto', searchPaths: [] });
    model = await engine.get(undefined);
  });
  afterAll(() => engine.close());

  it('reports the provider chosen and why the others were not', () => {
    expect(model.info).toMatchObject({
      name: 'stories260K',
      layout: 'optimum',
      dtype: 'fp32',
      provider: 'cpu',
      contextLength: 512,
      // Nothing rewritten on the CPU: the MLP split is for WebGPU, the greedy pick for chained GPU steps.
      graphChanges: [],
    });
    expect(model.info.providerReasons.cuda).toMatch(/CUDA provider libraries are not installed/);
    expect(model.info.providerReasons.webgpu).toMatch(/Vulkan|adapter/);
  });

  it('continues each golden prompt with the golden greedy text, streaming it piece by piece', async () => {
    for (const entry of golden) {
      const pieces: string[] = [];
      const result = await model.generate(
        { prompt: entry.prompt, maxTokens: 48 },
        { onText: (text) => pieces.push(text) },
      );
      expect(result).toEqual({
        text: goldenText(entry),
        finishReason: 'length',
        usage: { inputTokens: entry.prompt_ids.length, outputTokens: 48 },
      });
      expect(pieces.join('')).toBe(result.text);
      expect(pieces.length).toBeGreaterThan(20);
    }
  });

  it('gives each prompt of a batch (different lengths, left-padded) what it gives alone', async () => {
    const results = await model.generateBatch(golden.map((entry) => ({ prompt: entry.prompt, maxTokens: 48 })));
    expect(results.map((result) => result.text)).toEqual(golden.map(goldenText));
  });

  it('gives concurrent calls (as parallel branches make them) what each gives alone', async () => {
    const results = await Promise.all(golden.map((entry) => model.generate({ prompt: entry.prompt, maxTokens: 48 })));
    expect(results.map((result) => result.text)).toEqual(golden.map(goldenText));
  });

  it('repeats a seeded sampled run exactly, and another seed gives another text', async () => {
    const request = { prompt: 'Once upon a time', maxTokens: 40, temperature: 1, topP: 0.95, topK: 50 };
    const first = await model.generate({ ...request, seed: 7 });
    const again = await model.generate({ ...request, seed: 7 });
    const other = await model.generate({ ...request, seed: 8 });
    expect(again.text).toBe(first.text);
    expect(other.text).not.toBe(first.text);
    expect(first.text).not.toBe(goldenText(golden[0]!));
  });

  it('ends before a stop string, and at maxTokens', async () => {
    const stopped = await model.generate({ prompt: golden[0]!.prompt, maxTokens: 48, stop: ['little girl', 'zzz'] });
    expect(stopped).toMatchObject({ text: ', there was a ', finishReason: 'stop' });
    const short = await model.generate({ prompt: golden[0]!.prompt, maxTokens: 5 });
    expect(short.usage.outputTokens).toBe(5);
    expect(short.finishReason).toBe('length');
    expect(goldenText(golden[0]!).startsWith(short.text)).toBe(true);
  });

  it('refuses a prompt longer than the context', async () => {
    const error = await model.generate({ prompt: 'Once upon a time '.repeat(200) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'prompt-too-long' });
    expect((error as Error).message).toMatch(/^the prompt is \d+ tokens; stories260K takes at most 512 in all$/);
  });

  it('rejects a cancelled call with the signal reason, and keeps serving others', async () => {
    const controller = new AbortController();
    const reason = new Error('stop now');
    const cancelled = model.generate(
      { prompt: golden[0]!.prompt, maxTokens: 400 },
      { signal: controller.signal, onText: () => controller.abort(reason) },
    );
    await expect(cancelled).rejects.toBe(reason);
    const after = await model.generate({ prompt: golden[1]!.prompt, maxTokens: 48 });
    expect(after.text).toBe(goldenText(golden[1]!));
  });

  it('keeps the main thread free while generating', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    await model.generateBatch(Array.from({ length: 8 }, () => ({ prompt: 'Once upon a time', maxTokens: 400 })));
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // A blocked main thread would tick a handful of times at most; a free one ticks through the generation.
    expect(elapsed).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThan(elapsed / 10);
  });
});

describe('OnnxEngine model folders', () => {
  const engine = new OnnxEngine({ device: 'cpu', searchPaths: [] });
  afterAll(() => engine.close());

  const loadError = (path: string) =>
    engine.load(path).then(
      () => undefined,
      (error: unknown) => error as Error & { code: string },
    );

  it('runs the onnxruntime-genai layout (external data) to the same golden text', async () => {
    const genai = await engine.load(writeGenaiCopy());
    expect(genai.info.layout).toBe('genai');
    const result = await genai.generate({ prompt: golden[0]!.prompt, maxTokens: 48 });
    expect(result.text).toBe(goldenText(golden[0]!));
  });

  it('names a missing tokenizer', async () => {
    const folder = copyStories();
    rmSync(join(folder, 'tokenizer.json'));
    const error = await loadError(folder);
    expect(error?.code).toBe('model-no-tokenizer');
    expect(error?.message).toContain('tokenizer.json');
  });

  it('names a missing ONNX graph', async () => {
    const folder = copyStories();
    rmSync(join(folder, 'onnx', 'model.onnx'));
    expect((await loadError(folder))?.code).toBe('model-no-onnx');
  });

  it('names a damaged ONNX file', async () => {
    const folder = copyStories();
    truncateSync(join(folder, 'onnx', 'model.onnx'), 5000);
    const error = await loadError(folder);
    expect(error?.code).toBe('bad-onnx');
    expect(error?.message).toMatch(/model\.onnx: ONNX Runtime cannot load it: /);
    expect(error?.message).not.toMatch(/\n\s+at /);
  });

  it('names an operator the runtime does not support', async () => {
    const folder = copyStories();
    renameOperator(join(folder, 'onnx', 'model.onnx'), 'Sigmoid', 'Sigmoix');
    const error = await loadError(folder);
    expect(error?.code).toBe('unsupported-op');
    expect(error?.message).toMatch(/operator Sigmoix \(opset 17\) is not supported by this ONNX Runtime/);
  });

  it('names KV cache inputs that do not match the config', async () => {
    const folder = copyStories();
    const config = {
      ...(await import(join(STORIES_260K, 'config.json'), { with: { type: 'json' } })).default,
      num_hidden_layers: 6,
    };
    writeFileSync(join(folder, 'config.json'), JSON.stringify(config));
    const error = await loadError(folder);
    expect(error?.code).toBe('kv-mismatch');
    expect(error?.message).toContain(
      'the graph has KV cache inputs for 5 layers but the config says num_hidden_layers = 6',
    );
  });

  it('says which model names exist when a name is unknown, and when no default model can be chosen', async () => {
    const error = await loadError('no-such-model');
    expect(error?.code).toBe('unknown-model');
    const empty = new OnnxEngine({ searchPaths: [temporaryFolder()] });
    await expect(empty.get(undefined)).rejects.toMatchObject({ code: 'no-default-model' });
  });

  it('fails clearly when a device that is not there is asked for', async () => {
    const webgpu = new OnnxEngine({ device: 'webgpu', searchPaths: [] });
    const error = (await webgpu.load(STORIES_260K).catch((e: unknown) => e)) as Error & { code: string };
    await webgpu.close();
    expect(error.code).toBe('no-device');
    expect(error.message).toMatch(/^cannot use webgpu: /);
  });
});
