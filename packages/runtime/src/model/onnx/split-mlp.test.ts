import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { STORIES_260K, temporaryFolder } from '../../testing/model-fixtures.js';
import { synthesizeModel } from '../synth/synthesize.js';
import { OnnxEngine } from './onnx-engine.js';
import { mlpParts, splitMlps, withSplitMlps } from './split-mlp.js';
import { tensorValueInfo } from './value-info.js';

const { onnx } = onnxProto;
const { FLOAT } = onnx.TensorProto.DataType;
const HIDDEN = 8;
const WIDTH = 64;

/** Deterministic values in ±0.5. */
const values = (count: number, seed: number) =>
  Array.from({ length: count }, (_, i) => (((i * 7919 + seed * 104729) % 1000) - 500) / 1000);

type Activation = 'sigmoid' | 'quick-gelu' | 'quick-gelu-1.702';

/** x [batch, sequence, 8] -> down(silu(gate(x)) · up(x)) [batch, sequence, 8], as exporters write it. */
function mlpGraph(options: { activation?: Activation; width?: number; gateUsedElsewhere?: boolean } = {}) {
  const width = options.width ?? WIDTH;
  const activation = options.activation ?? 'sigmoid';
  const weight = (name: string, dims: number[], seed: number) => ({
    name,
    dims,
    dataType: FLOAT,
    floatData: values(dims[0]! * dims[1]!, seed),
  });
  const node: object[] = [
    { opType: 'MatMul', input: ['x', 'gate.weight'], output: ['gate'], name: 'gate_proj' },
    { opType: 'MatMul', input: ['x', 'up.weight'], output: ['up'], name: 'up_proj' },
  ];
  if (activation === 'sigmoid') {
    node.push({ opType: 'Sigmoid', input: ['gate'], output: ['sigmoid'], name: 'act/Sigmoid' });
    node.push({ opType: 'Mul', input: ['gate', 'sigmoid'], output: ['act'], name: 'act/Mul' });
  } else {
    const alpha = activation === 'quick-gelu' ? 1 : 1.702;
    const attribute = [{ name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: alpha }];
    node.push({
      opType: 'QuickGelu',
      domain: 'com.microsoft',
      input: ['gate'],
      output: ['act'],
      name: 'act',
      attribute,
    });
  }
  node.push({ opType: 'Mul', input: ['act', 'up'], output: ['gated'], name: 'mul' });
  node.push({ opType: 'MatMul', input: ['gated', 'down.weight'], output: ['y'], name: 'down_proj' });
  const output = [tensorValueInfo('y', FLOAT, ['batch', 'sequence', HIDDEN])];
  if (options.gateUsedElsewhere) {
    node.push({ opType: 'Identity', input: ['gate'], output: ['gate_copy'], name: 'copy' });
    output.push(tensorValueInfo('gate_copy', FLOAT, ['batch', 'sequence', width]));
  }
  return onnx.ModelProto.fromObject({
    irVersion: 8,
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph: {
      name: 'mlp',
      node,
      input: [tensorValueInfo('x', FLOAT, ['batch', 'sequence', HIDDEN])],
      output,
      initializer: [
        weight('gate.weight', [HIDDEN, width], 1),
        weight('up.weight', [HIDDEN, width], 2),
        weight('down.weight', [width, HIDDEN], 3),
      ],
    },
  });
}

async function run(model: onnxProto.onnx.ModelProto, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), {
    executionProviders: ['cpu'],
  });
  try {
    return (await session.run({ x: new ort.Tensor('float32', x, dims) })).y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('splitMlps', () => {
  it('cuts widths into 8 parts that stay multiples of 4, fewer where they cannot, none for odd ones', () => {
    expect([mlpParts(4864), mlpParts(8192), mlpParts(172), mlpParts(24), mlpParts(8), mlpParts(6)]).toEqual([
      8, 8, 1, 2, 2, 1,
    ]);
  });

  it('computes the same MLP in parts, for Sigmoid·Mul and QuickGelu with alpha 1, at any batch', async () => {
    for (const activation of ['sigmoid', 'quick-gelu'] as const) {
      const original = mlpGraph({ activation });
      const split = mlpGraph({ activation });
      expect(splitMlps(split.graph!)).toBe(1);
      const ops = split.graph!.node!.map((node) => node.opType);
      expect(ops.filter((op) => op === 'MatMul')).toHaveLength(3);
      expect(ops).toContain('Split');
      expect(ops).not.toContain('QuickGelu');
      // The down projection's output keeps its name: what read it reads the sum.
      expect(split.graph!.node!.at(-1)!.output).toEqual(['y']);
      for (const dims of [
        [1, 1, HIDDEN],
        [3, 5, HIDDEN],
      ]) {
        const x = Float32Array.from(values(dims[0]! * dims[1]! * HIDDEN, 9));
        const [expected, got] = await Promise.all([run(original, x, dims), run(split, x, dims)]);
        expect(got).toHaveLength(expected.length);
        for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i]!, 5);
      }
    }
  });

  it('leaves a graph with subgraphs as it is (their nodes may read any value by name)', () => {
    const model = mlpGraph();
    const branch = (name: string) => ({
      name,
      node: [{ opType: 'Identity', input: ['gate'], output: [`${name}_out`], name: `${name}_identity` }],
      output: [tensorValueInfo(`${name}_out`, FLOAT, ['batch', 'sequence', WIDTH])],
    });
    const { GRAPH } = onnx.AttributeProto.AttributeType;
    model.graph!.node!.push(
      onnx.NodeProto.fromObject({
        opType: 'If',
        input: ['flag'],
        output: ['chosen'],
        name: 'if',
        attribute: [
          { name: 'then_branch', type: GRAPH, g: branch('then') },
          { name: 'else_branch', type: GRAPH, g: branch('else') },
        ],
      }),
    );
    expect(splitMlps(model.graph!)).toBe(0);
  });

  it('leaves MLPs it does not recognise as they are', () => {
    for (const options of [{ activation: 'quick-gelu-1.702' as const }, { gateUsedElsewhere: true }, { width: 6 }]) {
      const model = mlpGraph(options);
      const before = model.graph!.node!.length;
      expect(splitMlps(model.graph!)).toBe(0);
      expect(model.graph!.node).toHaveLength(before);
    }
  });
});

describe('split MLPs in the engine, on the CPU (GROUNDWORK_SPLIT_MLP=1)', () => {
  const root = temporaryFolder('groundwork-split-mlp-');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const prompts = ['t5 t17 t3', 't100 t200 t300 t400 t401 t402 t9', 't7'];

  async function texts(
    folder: string,
    setting: string,
  ): Promise<{ alone: string[]; together: string[]; graphChanges: string[] }> {
    const previous = process.env.GROUNDWORK_SPLIT_MLP;
    process.env.GROUNDWORK_SPLIT_MLP = setting;
    const engine = new OnnxEngine({ device: 'cpu', searchPaths: [] });
    try {
      const model = await engine.get(folder);
      const alone: string[] = [];
      for (const prompt of prompts) alone.push((await model.generate({ prompt, maxTokens: 12 })).text);
      const together = await Promise.all(prompts.map((prompt) => model.generate({ prompt, maxTokens: 12 })));
      return { alone, together: together.map((result) => result.text), graphChanges: model.info.graphChanges };
    } finally {
      await engine.close();
      if (previous === undefined) delete process.env.GROUNDWORK_SPLIT_MLP;
      else process.env.GROUNDWORK_SPLIT_MLP = previous;
    }
  }

  it('rewrites every layer of plain and fused graphs, and generates the same text, alone and batched', async () => {
    for (const graph of ['plain', 'fused'] as const) {
      const folder = synthesizeModel({ shape: 'tiny', graph, dtype: 'fp32', out: join(root, graph) });
      const rewritten = withSplitMlps(folder.graphPath);
      expect(rewritten).toMatchObject({ count: 2 });
      const whole = await texts(folder.path, '0');
      const split = await texts(folder.path, '1');
      expect(split.alone).toEqual(whole.alone);
      expect(split.together).toEqual(whole.alone);
      // The model's info says what was changed in memory (the CLI prints it, GET /api/models lists it).
      expect(whole.graphChanges).toEqual([]);
      expect(split.graphChanges).toEqual(['2 SiLU-gated MLPs split into parts (decision 0016)']);
    }
  });

  it('says why a graph is left alone: no MLP it can cut (stories260K, width 172), a file that does not decode', () => {
    expect(withSplitMlps(join(STORIES_260K, 'onnx', 'model.onnx'))).toEqual({
      reason: 'the graph has no SiLU-gated MLP of the form that is split',
    });
    const damaged = join(root, 'damaged.onnx');
    writeFileSync(damaged, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    expect(withSplitMlps(damaged)).toMatchObject({ reason: expect.stringMatching(/^the graph could not be read: /) });
  });
});
