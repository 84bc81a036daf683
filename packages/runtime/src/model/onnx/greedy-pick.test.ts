import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { STORIES_260K, temporaryFolder } from '../../testing/model-fixtures.js';
import { inspectModelFolder } from '../folder/model-folder.js';
import { float16Bits } from '../synth/float16.js';
import { synthesizeModel } from '../synth/synthesize.js';
import { readDefaultOpset, readOutputShape } from './graph-outputs.js';
import { chunking, GREEDY_PICK_OUTPUT, greedyPickNodes, greedyPickPatch, withGreedyPick } from './greedy-pick.js';
import { openSession } from './providers.js';
import { readSessionSpec } from './session-spec.js';
import { float16ToFloat32, integerTensor } from './tensors.js';

const { onnx } = onnxProto;
const root = temporaryFolder('groundwork-pick-');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** First index of the largest value of each row's last-position logits, computed here from the logits. */
function argmaxOfLogits(logits: ort.Tensor): number[] {
  const [rows, positions, vocab] = logits.dims as [number, number, number];
  const values =
    logits.type === 'float16'
      ? float16ToFloat32(logits.data as Uint16Array, 0, logits.data.length, new Float32Array(logits.data.length))
      : (logits.data as Float32Array);
  return Array.from({ length: rows }, (_, row) => {
    const offset = (row * positions + positions - 1) * vocab;
    let best = 0;
    for (let i = 1; i < vocab; i++) if (values[offset + i]! > values[offset + best]!) best = i;
    return best;
  });
}

/** Prefills two prompts of different lengths (the shorter left-padded) and gives the logits and the pick. */
async function prefillTwo(onnxPath: string, architecture: Parameters<typeof readSessionSpec>[1]) {
  const { session } = await openSession(onnxPath, 'cpu', {
    greedyPick: { on: ['cpu'], vocab: architecture.vocabSize },
  });
  try {
    const spec = readSessionSpec(session, architecture);
    const ids = [0, 0, 5, 9, 11, 7, 3, 8, 2, 6];
    const mask = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
    const positions = [1, 1, 0, 1, 2, 0, 1, 2, 3, 4];
    const feeds: Record<string, ort.Tensor> = {
      [spec.inputIds.name]: integerTensor(spec.inputIds.type, ids, [2, 5]),
    };
    if (spec.attentionMask) feeds[spec.attentionMask.name] = integerTensor(spec.attentionMask.type, mask, [2, 5]);
    if (spec.positionIds) feeds[spec.positionIds.name] = integerTensor(spec.positionIds.type, positions, [2, 5]);
    if (spec.logitsToKeep) feeds[spec.logitsToKeep.name] = integerTensor(spec.logitsToKeep.type, [1], []);
    for (const layer of spec.layers)
      for (const name of [layer.pastKey, layer.pastValue])
        feeds[name] = new ort.Tensor(
          spec.cacheType,
          spec.cacheType === 'float16' ? new Uint16Array(0) : new Float32Array(0),
          [2, spec.kvHeads, 0, spec.headDim],
        );
    const outputs = await session.run(feeds);
    return { logits: outputs.logits as ort.Tensor, pick: outputs[GREEDY_PICK_OUTPUT] as ort.Tensor };
  } finally {
    await session.release();
  }
}

describe('withGreedyPick', () => {
  it("gives each row's greedy token of stories260K (weights inside the file), as [rows, 1] int64", async () => {
    const folder = inspectModelFolder(STORIES_260K);
    const { logits, pick } = await prefillTwo(folder.onnxPath, folder.architecture);
    expect(pick.type).toBe('int64');
    expect(pick.dims).toEqual([2, 1]);
    expect(Array.from(pick.data as BigInt64Array, Number)).toEqual(argmaxOfLogits(logits));
  });

  it('opens a graph whose weights are in external data, and picks from fp16 logits', async () => {
    const model = synthesizeModel({ shape: 'tiny', graph: 'fused', dtype: 'fp16', out: join(root, 'tiny-fused') });
    const folder = inspectModelFolder(model.path);
    const { logits, pick } = await prefillTwo(folder.onnxPath, folder.architecture);
    expect(logits.type).toBe('float16');
    expect(Array.from(pick.data as BigInt64Array, Number)).toEqual(argmaxOfLogits(logits));
  });

  it('is the file unchanged with a small patch after it', async () => {
    const path = join(STORIES_260K, 'onnx', 'model.onnx');
    const patched = withGreedyPick(path, 512);
    if (!('bytes' in patched)) throw new Error(patched.reason);
    const file = readFileSync(path);
    expect(Buffer.from(patched.bytes.subarray(0, file.length)).equals(file)).toBe(true);
    const opset = readDefaultOpset(path) ?? 0;
    expect(patched.bytes.length - file.length).toBe(greedyPickPatch(512, opset).length);
    expect(greedyPickPatch(512, opset).length).toBeLessThan(4096);
    // The patch holds only the added nodes, constants and output: nothing that would replace the graph's own.
    const patch = onnx.ModelProto.decode(greedyPickPatch(512, opset));
    expect(patch.graph?.node?.[0]?.input?.[0]).toBe('logits');
    expect(patch.graph?.node?.at(-1)?.output).toEqual([GREEDY_PICK_OUTPUT]);
    expect(patch.graph?.output?.map((output) => output.name)).toEqual([GREEDY_PICK_OUTPUT]);
    expect(patch.graph?.name).toBe('');
    expect(patch.opsetImport).toEqual([]);
    expect(Object.hasOwn(patch, 'irVersion')).toBe(false);
    // ONNX Runtime reads the two as one graph: its outputs, then the pick.
    const original = await ort.InferenceSession.create(path);
    const merged = await ort.InferenceSession.create(patched.bytes);
    expect(merged.outputNames).toEqual([...original.outputNames, GREEDY_PICK_OUTPUT]);
    expect(merged.inputNames).toEqual(original.inputNames);
    await Promise.all([original.release(), merged.release()]);
  });

  it('says why a graph cannot take the pick, and openSession then opens it as it is', async () => {
    const write = (name: string, opset: number, ...outputs: string[]) => {
      const path = join(root, name);
      const { FLOAT } = onnx.TensorProto.DataType;
      const value = (output: string) => ({
        name: output,
        type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimValue: 2 }] } } },
      });
      const bytes = onnx.ModelProto.encode(
        onnx.ModelProto.fromObject({
          irVersion: 7,
          opsetImport: [{ domain: '', version: opset }],
          graph: {
            name: 'g',
            input: [value('x')],
            output: outputs.map(value),
            node: outputs.map((output) => ({ opType: 'Identity', input: ['x'], output: [output] })),
          },
        }),
      ).finish();
      writeFileSync(path, bytes);
      return path;
    };
    expect(withGreedyPick(write('no-logits.onnx', 13, 'y'), 2)).toEqual({ reason: 'the graph has no "logits" output' });
    const old = write('opset-10.onnx', 10, 'logits');
    expect(readDefaultOpset(old)).toBe(10);
    expect(withGreedyPick(old, 2)).toEqual({
      reason: 'the graph imports operator set 10; the pick needs 11 or later',
    });
    // write() declares every output as [2]: logits of one dimension.
    expect(withGreedyPick(write('flat.onnx', 13, 'logits'), 2)).toEqual({
      reason: "the graph's logits have 1 dimensions, not [batch, positions, vocab]",
    });
    const taken = write('taken.onnx', 13, 'logits', GREEDY_PICK_OUTPUT);
    expect(withGreedyPick(taken, 2)).toMatchObject({ reason: expect.stringContaining('already has') });
    const { session } = await openSession(old, 'cpu', { greedyPick: { on: ['cpu'], vocab: 2 } });
    expect(session.outputNames).toEqual(['logits']);
    await session.release();
  });

  it('is only appended on the providers asked for', async () => {
    const path = join(STORIES_260K, 'onnx', 'model.onnx');
    const { session } = await openSession(path, 'cpu', { greedyPick: { on: ['webgpu'], vocab: 512 } });
    expect(session.outputNames).not.toContain(GREEDY_PICK_OUTPUT);
    await session.release();
  });
});

/** Runs greedyPickNodes alone on the CPU over `rows` of last-position logits (with an earlier position before). */
async function pickAlone(rows: number[][], options: { opset: number; half?: boolean }): Promise<number[]> {
  const vocab = rows[0]!.length;
  const { FLOAT, FLOAT16, INT64 } = onnx.TensorProto.DataType;
  const elemType = options.half ? FLOAT16 : FLOAT;
  const pick = greedyPickNodes({ input: 'logits', output: 'tokens', vocab, opset: options.opset, prefix: 'p/' });
  const bytes = onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: options.opset }],
      graph: {
        name: 'pick',
        input: [{ name: 'logits', type: { tensorType: { elemType } } }],
        output: [{ name: 'tokens', type: { tensorType: { elemType: INT64 } } }],
        ...pick,
      },
    }),
  ).finish();
  const session = await ort.InferenceSession.create(bytes);
  try {
    // Position 0 holds a decoy maximum at index 0: only the last position may count.
    const values = rows.flatMap((row) => [...row.map((_, i) => (i === 0 ? 1e4 : -1e4)), ...row]);
    const logits = options.half
      ? new ort.Tensor('float16', Uint16Array.from(values, float16Bits), [rows.length, 2, vocab])
      : new ort.Tensor('float32', Float32Array.from(values), [rows.length, 2, vocab]);
    const { tokens } = await session.run({ logits });
    expect((tokens as ort.Tensor).dims).toEqual([rows.length, 1]);
    return Array.from((tokens as ort.Tensor).data as BigInt64Array, Number);
  } finally {
    await session.release();
  }
}

/** The first index of the largest value: what the pick must give. */
const firstArgmax = (row: number[]) => row.indexOf(Math.max(...row));

describe('greedyPickNodes', () => {
  it('cuts a vocabulary into ~√vocab chunks, padding only when no divisor is near', () => {
    expect(chunking(151_936)).toEqual({ chunk: 1187, chunks: 128, pad: 0 });
    expect(chunking(128_256)).toEqual({ chunk: 384, chunks: 334, pad: 0 });
    expect(chunking(512)).toEqual({ chunk: 32, chunks: 16, pad: 0 });
    expect(chunking(131)).toEqual({ chunk: 12, chunks: 11, pad: 1 });
    expect(chunking(65_537)).toEqual({ chunk: 257, chunks: 256, pad: 255 });
    for (const vocab of [2, 7, 100, 128_256, 50_257, 32_000])
      expect(chunking(vocab).chunk * chunking(vocab).chunks - chunking(vocab).pad).toBe(vocab);
  });

  it('gives the first index of the largest logit: ties inside and across chunks, ends, padding, opsets, fp16', async () => {
    const vocab = 131; // prime: chunks of 12, one padding logit
    const row = (set: Record<number, number>, base = -5) =>
      Array.from({ length: vocab }, (_, i) => set[i] ?? base - (i % 7));
    const rows = [
      row({ 40: 9 }),
      row({ 3: 9, 5: 9 }), // tie inside a chunk
      row({ 100: 9, 30: 9, 77: 9 }), // tie across chunks
      row({ 130: 9 }), // the last logit, beside the padding
      row({ 0: 9 }),
      row({}, 0).map(() => -2), // all equal
      row({ 12: -1 }, -3), // all negative
    ];
    const expected = rows.map(firstArgmax);
    expect(expected).toEqual([40, 3, 30, 130, 0, 0, 12]);
    for (const opset of [13, 18]) {
      expect(await pickAlone(rows, { opset })).toEqual(expected);
      expect(await pickAlone(rows, { opset, half: true })).toEqual(expected);
    }
    // Without padding (512 = 16 chunks of 32), random rows.
    let seed = 11;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed % 2000) / 100 - 10;
    };
    const wide = Array.from({ length: 6 }, () => Array.from({ length: 512 }, random));
    expect(await pickAlone(wide, { opset: 17 })).toEqual(wide.map(firstArgmax));
  });
});

describe('readOutputShape', () => {
  it("reads an output's declared dimensions, symbolic ones as undefined", () => {
    const path = join(STORIES_260K, 'onnx', 'model.onnx');
    expect(readOutputShape(path, 'logits')).toEqual([undefined, undefined, 512]);
    expect(readOutputShape(path, 'present.0.key')).toEqual([undefined, 4, undefined, 8]);
    expect(readOutputShape(path, 'no-such-output')).toBeUndefined();
  });
});

describe('readDefaultOpset', () => {
  it('reads the default domain version the file imports', () => {
    const path = join(STORIES_260K, 'onnx', 'model.onnx');
    const imports = onnx.ModelProto.decode(readFileSync(path)).opsetImport;
    const standard = imports.find((entry) => !entry.domain || entry.domain === 'ai.onnx');
    expect(readDefaultOpset(path)).toBe(Number(standard?.version));
  });
});
