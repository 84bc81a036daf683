// Which execution provider ONNX Runtime gives each of a few small ops on WebGPU, one single-node graph each, read
// from its profile (decision 0014: int64 arithmetic goes to the CPU there, and a CPU node makes a Run wait).
// Usage, on the GPU machine: source .device/setup.sh && node bench/llm/op-placement.mjs /tmp/op-placement
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';

const { onnx } = onnxProto;
const { INT64, FLOAT, INT32 } = onnx.TensorProto.DataType;
const { INT, INTS } = onnx.AttributeProto.AttributeType;
const out = process.argv[2];
mkdirSync(out, { recursive: true });
const v = (name, t) => ({ name, type: { tensorType: { elemType: t } } });
const cases = {
  'Cast f32->i64': {
    inputs: [['x', FLOAT, [2, 1], [3, 5]]],
    node: { opType: 'Cast', input: ['x'], attribute: [{ name: 'to', type: INT, i: INT64 }] },
    outType: INT64,
  },
  'Cast i32->i64': {
    inputs: [['x', INT32, [2, 1], [3, 5]]],
    node: { opType: 'Cast', input: ['x'], attribute: [{ name: 'to', type: INT, i: INT64 }] },
    outType: INT64,
  },
  'Add i64': {
    inputs: [
      ['x', INT64, [2, 1], [3, 5]],
      ['y', INT64, [2, 1], [1, 1]],
    ],
    node: { opType: 'Add', input: ['x', 'y'] },
    outType: INT64,
  },
  'Mul i64': {
    inputs: [
      ['x', INT64, [2, 1], [3, 5]],
      ['y', INT64, [2, 1], [2, 2]],
    ],
    node: { opType: 'Mul', input: ['x', 'y'] },
    outType: INT64,
  },
  'Gather i64 data': {
    inputs: [
      ['x', INT64, [4], [7, 8, 9, 10]],
      ['y', INT64, [2, 1], [1, 3]],
    ],
    node: { opType: 'Gather', input: ['x', 'y'], attribute: [{ name: 'axis', type: INT, i: 0 }] },
    outType: INT64,
  },
  'GatherElements i64': {
    inputs: [
      ['x', INT64, [2, 3], [1, 2, 3, 4, 5, 6]],
      ['y', INT64, [2, 1], [1, 2]],
    ],
    node: { opType: 'GatherElements', input: ['x', 'y'], attribute: [{ name: 'axis', type: INT, i: 1 }] },
    outType: INT64,
  },
  'Concat i64': {
    inputs: [
      ['x', INT64, [2, 1], [3, 5]],
      ['y', INT64, [2, 1], [1, 1]],
    ],
    node: { opType: 'Concat', input: ['x', 'y'], attribute: [{ name: 'axis', type: INT, i: 1 }] },
    outType: INT64,
  },
  'Where i64': {
    inputs: [
      ['c', onnx.TensorProto.DataType.BOOL, [2, 1], [1, 0]],
      ['x', INT64, [2, 1], [3, 5]],
      ['y', INT64, [2, 1], [1, 1]],
    ],
    node: { opType: 'Where', input: ['c', 'x', 'y'] },
    outType: INT64,
  },
  'ArgMax f32': {
    inputs: [['x', FLOAT, [2, 3], [1, 5, 2, 7, 0, 1]]],
    node: { opType: 'ArgMax', input: ['x'], attribute: [{ name: 'axis', type: INT, i: 1 }] },
    outType: INT64,
  },
  'ReduceMax f32': {
    inputs: [['x', FLOAT, [2, 3], [1, 5, 2, 7, 0, 1]]],
    node: { opType: 'ReduceMax', input: ['x'], attribute: [{ name: 'axes', type: INTS, ints: [1] }] },
    outType: FLOAT,
  },
  'ReduceMin f32': {
    inputs: [['x', FLOAT, [2, 3], [1, 5, 2, 7, 0, 1]]],
    node: { opType: 'ReduceMin', input: ['x'], attribute: [{ name: 'axes', type: INTS, ints: [1] }] },
    outType: FLOAT,
  },
  'Equal f32': {
    inputs: [
      ['x', FLOAT, [2, 1], [3, 5]],
      ['y', FLOAT, [2, 1], [3, 1]],
    ],
    node: { opType: 'Equal', input: ['x', 'y'] },
    outType: onnx.TensorProto.DataType.BOOL,
  },
  'Where f32': {
    inputs: [
      ['c', onnx.TensorProto.DataType.BOOL, [2, 1], [1, 0]],
      ['x', FLOAT, [2, 1], [3, 5]],
      ['y', FLOAT, [2, 1], [1, 1]],
    ],
    node: { opType: 'Where', input: ['c', 'x', 'y'] },
    outType: FLOAT,
  },
  'Cast f32->i32': {
    inputs: [['x', FLOAT, [2, 1], [3, 5]]],
    node: { opType: 'Cast', input: ['x'], attribute: [{ name: 'to', type: INT, i: INT32 }] },
    outType: INT32,
  },
  'Pad f32': {
    inputs: [['x', FLOAT, [1, 1, 3], [3, 5, 1]]],
    consts: [['pads', INT64, [6], [0, 0, 0, 0, 0, 2]]],
    node: { opType: 'Pad', input: ['x', 'pads'] },
    outType: FLOAT,
  },
  'TopK f32': {
    inputs: [['x', FLOAT, [2, 3], [1, 5, 2, 7, 0, 1]]],
    consts: [['k', INT64, [1], [1]]],
    node: { opType: 'TopK', input: ['x', 'k'], output: ['vals', 'out'] },
    outType: INT64,
  },
  'Expand i64': {
    inputs: [['x', INT64, [2, 1], [3, 5]]],
    consts: [['s', INT64, [2], [2, 3]]],
    node: { opType: 'Expand', input: ['x', 's'] },
    outType: INT64,
  },
};
const tensor = (t, dims, data) =>
  t === FLOAT
    ? new ort.Tensor('float32', Float32Array.from(data), dims)
    : t === INT32
      ? new ort.Tensor('int32', Int32Array.from(data), dims)
      : t === INT64
        ? new ort.Tensor('int64', BigInt64Array.from(data.map(BigInt)), dims)
        : new ort.Tensor('bool', Uint8Array.from(data), dims);
for (const [label, c] of Object.entries(cases)) {
  const node = { output: ['out'], name: 'n', ...c.node };
  const bytes = onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'g',
        input: c.inputs.map(([n, t]) => v(n, t)),
        output: [v('out', c.outType)],
        node: [node],
        initializer: (c.consts ?? []).map(([name, t, dims, d]) => ({ name, dims, dataType: t, int64Data: d })),
      },
    }),
  ).finish();
  const prefix = `${out}/${label.replace(/[^a-z0-9]/gi, '_')}`;
  try {
    const s = await ort.InferenceSession.create(bytes, {
      executionProviders: ['webgpu'],
      enableProfiling: true,
      profileFilePrefix: prefix,
      logSeverityLevel: 3,
    });
    const feeds = Object.fromEntries(c.inputs.map(([n, t, dims, d]) => [n, tensor(t, dims, d)]));
    const r = await s.run(feeds);
    s.endProfiling();
    await s.release();
    const base = prefix.split('/').pop();
    const file = readdirSync(out).find((f) => f.startsWith(base) && f.endsWith('.json'));
    const events = JSON.parse(readFileSync(`${out}/${file}`, 'utf8'));
    const providers = [
      ...new Set(
        events
          .filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'))
          .map((e) => `${e.args.op_name}@${e.args.provider.replace('ExecutionProvider', '')}`),
      ),
    ];
    console.log(`${label}: ${providers.join(', ')}  -> ${Array.from(r.out.data, String).join(',')}`);
  } catch (e) {
    console.log(`${label}: ERROR ${String(e).split('\n')[0]}`);
  }
}
