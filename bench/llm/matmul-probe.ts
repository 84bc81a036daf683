// How long ONNX Runtime's WebGPU provider takes for a decode step's projections, alone and in other forms of the
// same product: the GPU time of each form (the provider's timestamp queries, from its profile) and the CPU time of
// issuing it (a Run whose output stays on the GPU). Shapes are qwen2.5-0.5b's (hidden 896, packed q/k/v 1,152,
// MLP 4,864, vocabulary 151,936); x is [batch, 1, K], the weight [K, N], fp16.
// Forms: `matmul` (what graphs have); `splitS` (K cut into S parts: x reshaped [batch, S, K/S], transposed to
// [S, batch, K/S], one batched MatMul over the weight viewed as [S, K/S, N], summed over S: S times the workgroups);
// `bcastS` (the same without the Transpose: x as [batch, S, 1, K/S] broadcast over the weight's S parts, summed);
// `gemm` (Gemm on [batch, K]); `gemmT` (Gemm with the weight stored [N, K], transB).
// Usage: node --conditions=source --import tsx bench/llm/matmul-probe.ts [--batches 1,8,32] [--runs 20]
//        [--forms matmul,split4,...] [--profile DIR] [--out FILE]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { float16ToFloat32 } from '../../packages/runtime/src/model/onnx/tensors.js';
import { tensorValueInfo } from '../../packages/runtime/src/model/onnx/value-info.js';
import { float16Bits } from '../../packages/runtime/src/model/synth/float16.js';
import { gpuRuns, gpuTime, readProfile } from './gpu-profile.js';
import { median } from './stats.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const batches = option('batches', '1,8,32').split(',').map(Number);
const runs = Number(option('runs', '20'));
const forms = option('forms', 'matmul,split2,split4,split8,bcast4,gemm,gemmT').split(',');
const profileDir = option('profile', '/tmp/matmul-probe-profile');
const log = (line: string) => process.stderr.write(`${line}\n`);
const { onnx } = onnxProto;
const { FLOAT16, INT64 } = onnx.TensorProto.DataType;

const shapes: Record<string, [number, number]> = {
  qkv: [896, 1152],
  o: [896, 896],
  'gate/up': [896, 4864],
  down: [4864, 896],
  lm_head: [896, 151936],
};

/** Random half-precision values in ±0.05 (a tile of 65,536 repeated: the values do not matter for the timing). */
function halfBytes(count: number): Uint8Array {
  const tile = Uint16Array.from({ length: 65536 }, () => float16Bits((Math.random() - 0.5) / 10));
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i += tile.length) out.set(tile.subarray(0, Math.min(tile.length, count - i)), i);
  return new Uint8Array(out.buffer);
}

function graph(form: string, k: number, n: number, weight: Uint8Array): Uint8Array {
  const node: object[] = [];
  const initializer: object[] = [];
  const ints = (name: string, values: number[]) => {
    initializer.push({ name, dims: [values.length], dataType: INT64, int64Data: values });
    return name;
  };
  const op = (opType: string, input: string[], output: string, attribute: object[] = []) =>
    node.push({ opType, input, output: [output], name: output, attribute });
  const attr = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  const parts = Number(/\d+$/.exec(form)?.[0] ?? 1);
  const dims =
    form === 'gemmT' ? [n, k] : form.startsWith('split') || form.startsWith('bcast') ? [parts, k / parts, n] : [k, n];
  initializer.push({ name: 'w', dims, dataType: FLOAT16, rawData: weight });
  if (form === 'matmul') op('MatMul', ['x', 'w'], 'y');
  else if (form === 'gemm' || form === 'gemmT') {
    op('Reshape', ['x', ints('flat', [-1, k])], 'x2');
    op('Gemm', ['x2', 'w'], 'y2', form === 'gemmT' ? [attr('transB', 1)] : []);
    op('Reshape', ['y2', ints('back', [-1, 1, n])], 'y');
  } else if (form.startsWith('split')) {
    op('Reshape', ['x', ints('cut', [-1, parts, k / parts])], 'xs');
    op('Transpose', ['xs'], 'xt', [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 0, 2] }]);
    op('MatMul', ['xt', 'w'], 'ys');
    op('ReduceSum', ['ys', ints('axes', [0])], 'y2', [attr('keepdims', 0)]);
    op('Reshape', ['y2', ints('back', [-1, 1, n])], 'y');
  } else if (form.startsWith('bcast')) {
    op('Reshape', ['x', ints('cut', [-1, parts, 1, k / parts])], 'xs');
    op('MatMul', ['xs', 'w'], 'ys');
    op('ReduceSum', ['ys', ints('axes', [1])], 'y', [attr('keepdims', 0)]);
  } else throw new Error(`unknown form ${form}`);
  return onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: form,
        input: [tensorValueInfo('x', FLOAT16, ['batch', 1, k])],
        output: [tensorValueInfo('y', FLOAT16, ['batch', 1, n])],
        node,
        initializer,
      },
    }),
  ).finish();
}

interface Row {
  shape: string;
  form: string;
  batch: number;
  gpuUs: number;
  kernels: number;
  issueUs: number;
  maxDiff: number;
}

/** The median Run's GPU time (its kernels' durations summed; the first two Runs left out) and its kernel count. */
function gpuTimes(prefix: string): { gpuUs: number; kernels: number } {
  const runs = gpuRuns(readProfile(profileDir, prefix) ?? []).slice(2);
  return { gpuUs: median(runs.map(gpuTime)), kernels: median(runs.map((run) => run.length)) };
}

const rows: Row[] = [];
rmSync(profileDir, { recursive: true, force: true });
mkdirSync(profileDir, { recursive: true });
for (const [shape, [k, n]] of Object.entries(shapes)) {
  const weight = halfBytes(k * n);
  for (const batch of batches) {
    const x = new ort.Tensor('float16', new Uint16Array(halfBytes(batch * k).buffer), [batch, 1, k]);
    let reference: Uint16Array | undefined;
    for (const form of forms) {
      const bytes = graph(form, k, n, weight);
      const prefix = `${shape.replace('/', '-')}-${form}-${batch}`;
      // GPU time: a profiled session; issue cost: another whose output stays on the GPU.
      const profiled = await ort.InferenceSession.create(bytes, {
        executionProviders: ['webgpu'],
        logSeverityLevel: 3,
        enableProfiling: true,
        profileFilePrefix: join(profileDir, prefix),
      });
      let out: Uint16Array | undefined;
      for (let i = 0; i < runs; i++) out = (await profiled.run({ x })).y!.data as Uint16Array;
      profiled.endProfiling();
      await profiled.release();
      const { gpuUs, kernels } = gpuTimes(prefix);
      const kept = await ort.InferenceSession.create(bytes, {
        executionProviders: ['webgpu'],
        logSeverityLevel: 3,
        preferredOutputLocation: { y: 'gpu-buffer' },
      });
      const issue: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        const result = await kept.run({ x });
        issue.push((performance.now() - started) * 1000);
        result.y!.dispose();
      }
      await kept.release();
      reference ??= out;
      const [got, expected] = [out, reference].map((bits) =>
        float16ToFloat32(bits!, 0, bits!.length, new Float32Array(bits!.length)),
      );
      let maxDiff = 0;
      for (let i = 0; i < got!.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got![i]! - expected![i]!));
      const row = { shape, form, batch, gpuUs, kernels, issueUs: median(issue.slice(2)), maxDiff };
      rows.push(row);
      log(
        `${shape} [${k}x${n}] batch ${batch} ${form}: GPU ${gpuUs.toFixed(1)} µs in ${kernels} kernels, issue ${row.issueUs.toFixed(1)} µs, max diff ${maxDiff.toPrecision(2)}`,
      );
    }
  }
}
if (args.includes('--out')) writeFileSync(option('out', ''), `${JSON.stringify(rows, null, 2)}\n`);
