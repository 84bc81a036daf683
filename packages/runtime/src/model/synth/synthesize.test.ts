import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../../testing/model-fixtures.js';
import { inspectModelFolder, listModels } from '../folder/index.js';
import { paddingSide, readGraphNodes } from '../onnx/graph-nodes.js';
import { OnnxEngine } from '../onnx/onnx-engine.js';
import type { FusedGraphOptions } from './fused-graph.js';
import { SYNTH_SHAPES, type SynthShape } from './synth-shapes.js';
import { SynthOptionError, synthesizeModel } from './synthesize.js';

const PROMPTS = ['t5 t17 t3', 't100 t200 t300 t400 t401 t402 t9', 't7'];
const VARIANTS = [
  { graph: 'plain', dtype: 'fp32' },
  { graph: 'fused', dtype: 'fp32' },
  { graph: 'plain', dtype: 'fp16' },
  { graph: 'fused', dtype: 'fp16' },
] as const;

async function greedy(engine: OnnxEngine, folder: string, prompt: string, maxTokens = 12): Promise<string> {
  const model = await engine.get(folder);
  return (await model.generate({ prompt, maxTokens })).text;
}

describe('synthesizeModel, tiny shape, in the engine on the CPU', () => {
  const root = temporaryFolder('groundwork-synth-');
  const folders: Record<string, string> = {};
  let engine: OnnxEngine;
  beforeAll(() => {
    for (const { graph, dtype } of VARIANTS)
      folders[`${graph}-${dtype}`] = synthesizeModel({
        shape: 'tiny',
        graph,
        dtype,
        out: join(root, `tiny-${graph}-${dtype}`),
      }).path;
    engine = new OnnxEngine({ device: 'cpu', searchPaths: [] });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes an Optimum folder the folder reader takes, named as transformers.js names graphs', () => {
    const fp16 = inspectModelFolder(folders['fused-fp16']!);
    expect(fp16).toMatchObject({ layout: 'optimum', dtype: 'fp16', dtypes: ['fp16'], eosTokenIds: [0] });
    expect(fp16.onnxPath.endsWith(join('onnx', 'model_fp16.onnx'))).toBe(true);
    expect(readdirSync(join(folders['plain-fp32']!, 'onnx')).sort()).toEqual(['model.onnx', 'model.onnx_data']);
    expect(fp16.architecture).toMatchObject({
      numLayers: 2,
      numAttentionHeads: 4,
      numKvHeads: 2,
      headDim: 16,
      hiddenSize: 64,
      vocabSize: 512,
      contextLength: 512,
    });
    const listed = listModels([root]);
    expect(listed.map((model) => [model.name, model.dtype, model.problem])).toEqual(
      VARIANTS.map(({ graph, dtype }) => [`tiny-${graph}-${dtype}`, dtype, undefined]).sort(),
    );
  });

  it('gives the same greedy tokens twice, batched as alone, in every graph and dtype', async () => {
    for (const [variant, folder] of Object.entries(folders)) {
      const alone: string[] = [];
      for (const prompt of PROMPTS) alone.push(await greedy(engine, folder, prompt));
      const again = await greedy(engine, folder, PROMPTS[0]!);
      const model = await engine.get(folder);
      const together = await Promise.all(PROMPTS.map((prompt) => model.generate({ prompt, maxTokens: 12 })));
      expect({ variant, again }).toEqual({ variant, again: alone[0] });
      expect({ variant, together: together.map((result) => result.text) }).toEqual({ variant, together: alone });
      // The layers shape the output: it is not the prompt's last token repeated.
      for (const text of alone) expect(new Set(text.trim().split(' ')).size).toBeGreaterThan(2);
      expect(together.every((result) => result.usage.outputTokens === 12)).toBe(true);
    }
  });

  it('computes the same model in the plain and fused graphs of one seed (and in fp16 as in fp32, at first)', async () => {
    const texts = async (variant: string) =>
      Promise.all(PROMPTS.map((prompt) => greedy(engine, folders[variant]!, prompt, 16)));
    const fp32 = await texts('plain-fp32');
    const fp16 = await texts('plain-fp16');
    expect(await texts('fused-fp32')).toEqual(fp32);
    expect(await texts('fused-fp16')).toEqual(fp16);
    // Both dtypes hold the same numbers; half-precision arithmetic drifts apart only after a few tokens.
    const start = (text: string) => text.split(' ').slice(0, 9).join(' ');
    expect(fp16.map(start)).toEqual(fp32.map(start));
  });

  it('gives other weights for another seed, and the same ones without biases in both graphs', async () => {
    const other = synthesizeModel({ shape: 'tiny', graph: 'plain', dtype: 'fp32', seed: 7, out: join(root, 'seed-7') });
    expect(await greedy(engine, other.path, PROMPTS[0]!)).not.toBe(
      await greedy(engine, folders['plain-fp32']!, PROMPTS[0]!),
    );
    const noBias: SynthShape = {
      ...SYNTH_SHAPES.tiny,
      qkvBias: false,
      modelType: 'llama',
      architecture: 'LlamaForCausalLM',
    };
    const plain = synthesizeModel({ shape: noBias, graph: 'plain', dtype: 'fp32', out: join(root, 'no-bias-plain') });
    const fused = synthesizeModel({ shape: noBias, graph: 'fused', dtype: 'fp32', out: join(root, 'no-bias-fused') });
    const model = await engine.get(fused.path);
    const together = await Promise.all(PROMPTS.map((prompt) => model.generate({ prompt, maxTokens: 12 })));
    for (const [index, prompt] of PROMPTS.entries())
      expect(together[index]!.text).toBe(await greedy(engine, plain.path, prompt));
  });
});

describe('synthesizeModel, the forms of the fused graph', () => {
  const root = temporaryFolder('groundwork-synth-forms-');
  let engine: OnnxEngine;
  beforeAll(() => {
    engine = new OnnxEngine({ device: 'cpu', searchPaths: [] });
  });
  afterAll(async () => {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  });
  const write = (name: string, fused?: FusedGraphOptions) =>
    synthesizeModel({
      shape: 'tiny',
      graph: 'fused',
      dtype: 'fp32',
      out: join(root, name),
      ...(fused ? { fused } : {}),
    }).path;

  it('computes the same model with rotary inside the attention and with packed q, k and v, for a prompt alone', async () => {
    const base = write('base', { rotary: 'nodes' });
    const rotary = write('rotary', { rotary: 'attention', packedQkv: false });
    const packed = write('packed', { rotary: 'attention', packedQkv: true });
    for (const prompt of PROMPTS) {
      const expected = await greedy(engine, base, prompt, 16);
      expect(await greedy(engine, rotary, prompt, 16)).toBe(expected);
      expect(await greedy(engine, packed, prompt, 16)).toBe(expected);
    }
    const graph = readFileSync(join(packed, 'onnx', 'model.onnx')).toString('latin1');
    expect(graph).not.toContain('RotaryEmbedding');
    expect(graph).toContain('qkv_proj');
  });

  it('batches rows of several prompt lengths right-padded, joining and leaving, as each goes alone', async () => {
    const rotary = write('rotary-batched', { rotary: 'attention', packedQkv: false });
    const packed = write('packed-batched', { rotary: 'attention', packedQkv: true });
    // Lengths 3, 7 and 1: the one-token prompt has nothing to prefill before its last token.
    for (const folder of [rotary, packed]) {
      const alone: string[] = [];
      for (const prompt of PROMPTS) alone.push(await greedy(engine, folder, prompt, 16));
      const model = await engine.get(folder);
      const together = await Promise.all(PROMPTS.map((prompt) => model.generate({ prompt, maxTokens: 16 })));
      expect(together.map((result) => result.text)).toEqual(alone);
      // Rows of uneven budgets leave at different steps; a request arriving mid-way joins the running rows.
      let joined: Promise<{ text: string }> | undefined;
      let seen = 0;
      const running = [
        model.generate(
          { prompt: PROMPTS[1]!, maxTokens: 16 },
          {
            onText: () => {
              if (++seen === 4) joined = model.generate({ prompt: PROMPTS[0]!, maxTokens: 16 });
            },
          },
        ),
        model.generate({ prompt: PROMPTS[2]!, maxTokens: 6 }),
      ];
      const [long, short] = await Promise.all(running);
      expect([long!.text, short!.text, (await joined!).text]).toEqual([
        alone[1],
        ` ${alone[2]!.trim().split(' ').slice(0, 6).join(' ')}`,
        alone[0],
      ]);
    }
  });

  it('reads from the graph which side its rows are padded on', () => {
    const side = (folder: string) => paddingSide(readGraphNodes(inspectModelFolder(folder).onnxPath));
    expect(side(write('side-split', { rotary: 'nodes' }))).toBe('left');
    expect(side(write('side-rotary', { rotary: 'attention', packedQkv: false }))).toBe('right');
    expect(side(write('side-default'))).toBe('right');
    const plain = synthesizeModel({ shape: 'tiny', graph: 'plain', dtype: 'fp32', out: join(root, 'side-plain') });
    expect(side(plain.path)).toBe('left');
    const nodes = readGraphNodes(inspectModelFolder(plain.path).onnxPath);
    expect(nodes.filter((node) => node.opType === 'MatMul').length).toBeGreaterThan(8);
  });

  it('writes 4-bit projections as MatMulNBits over packed bytes, a fraction of the float size, that run', async () => {
    const int4 = synthesizeModel({
      shape: 'tiny',
      graph: 'fused',
      dtype: 'fp32',
      out: join(root, 'int4'),
      fused: { rotary: 'attention', packedQkv: true, weights: 'int4' },
    });
    const float = synthesizeModel({
      shape: 'tiny',
      graph: 'fused',
      dtype: 'fp32',
      out: join(root, 'float'),
      fused: { rotary: 'nodes' },
    });
    expect(readFileSync(int4.graphPath).toString('latin1')).toContain('MatMulNBits');
    // The embedding stays float; the projections shrink 8-fold from fp32.
    expect(int4.sizeBytes).toBeLessThan(float.sizeBytes * 0.6);
    const model = await engine.get(int4.path);
    const result = await model.generate({ prompt: PROMPTS[1]!, maxTokens: 12 });
    expect(result.usage.outputTokens).toBe(12);
  });

  it('refuses packed q, k and v without rotary inside the attention, and fused forms for the plain graph', () => {
    expect(() => write('bad-packed', { rotary: 'nodes', packedQkv: true })).toThrow(
      /packed q, k and v need rotary inside the attention/,
    );
    expect(() =>
      synthesizeModel({ shape: 'tiny', graph: 'plain', out: join(root, 'bad-plain'), fused: { rotary: 'attention' } }),
    ).toThrow(/fused graph options need the fused graph/);
  });
});

describe('synthesizeModel refuses bad requests', () => {
  const root = temporaryFolder('groundwork-synth-bad-');
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('names the known shapes for an unknown one, and the bad option for others', () => {
    const out = join(root, 'new');
    expect(() => synthesizeModel({ shape: 'gpt-5', out })).toThrow(
      new SynthOptionError('unknown shape "gpt-5" (known shapes: qwen2.5-0.5b, llama-3.2-1b, tiny)'),
    );
    expect(() => synthesizeModel({ shape: 'tiny', out, graph: 'dense' as 'plain' })).toThrow(/unknown graph "dense"/);
    expect(() => synthesizeModel({ shape: 'tiny', out, dtype: 'int4' as 'fp16' })).toThrow(/unknown dtype "int4"/);
    expect(() => synthesizeModel({ shape: 'tiny', out, seed: -1 })).toThrow(/seed must be a whole number/);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
  });

  it('never writes into a folder that holds something, and leaves what is there', () => {
    const out = join(root, 'taken');
    synthesizeModel({ shape: 'tiny', out: join(out) });
    const file = join(root, 'notes.txt');
    writeFileSync(file, 'mine');
    expect(() => synthesizeModel({ shape: 'tiny', out })).toThrow(/taken is not empty/);
    expect(() => synthesizeModel({ shape: 'tiny', out: file })).toThrow(/exists and is not a folder/);
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect(inspectModelFolder(out).dtype).toBe('fp16');
  });
});
