import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import type { Provider } from './device.js';
import { sessionOptions } from './providers.js';
import type { SessionSpec } from './session-spec.js';
import { integerTensor, type Tensor } from './tensors.js';
import { tensorValueInfo } from './value-info.js';

const { onnx } = onnxProto;

/** A batch's KV cache: one [batch, kv heads, length, head size] tensor per past input name of the decoder. */
export type CacheTensors = Record<string, Tensor>;

/**
 * Reshapes KV caches with two tiny ONNX graphs run on the decoder's own execution provider, so a cache that lives
 * on the GPU is joined and cut there and never travels to the CPU:
 *
 * - merge: two batches' caches padded with zeros to one length (Pad along the sequence axis, at the front or the
 *   back as the decoder pads its rows: SessionSpec.padding) and stacked (Concat along the batch axis);
 * - select: some rows of a cache (Gather along the batch axis) from some position on (Slice along the sequence
 *   axis), to drop the rows that ended and the padding no remaining row needs.
 *
 * Every layer's key and value go through one run of one session, not one run per tensor. The outputs are named as
 * the decoder's (`present.N.key`), so the session options that keep the decoder's cache on the GPU keep these too.
 */
export class CacheOps {
  private constructor(
    private readonly spec: SessionSpec,
    private readonly mergeSession: ort.InferenceSession,
    private readonly selectSession: ort.InferenceSession,
  ) {}

  static async open(spec: SessionSpec, provider: Provider): Promise<CacheOps> {
    const graphs = cacheGraphs(spec);
    const open = (graph: { bytes: Uint8Array; outputs: string[] }) =>
      // One thread: these copy memory, and each session would otherwise start a thread pool of its own.
      ort.InferenceSession.create(
        graph.bytes,
        sessionOptions(provider, 1, () => graph.outputs),
      );
    const merge = await open(graphs.merge);
    try {
      return new CacheOps(spec, merge, await open(graphs.select));
    } catch (error) {
      await merge.release();
      throw error;
    }
  }

  /** `first`'s rows then `second`'s, each padded with `padFirst` / `padSecond` zero positions on the spec's side. */
  async merge(first: CacheTensors, padFirst: number, second: CacheTensors, padSecond: number): Promise<CacheTensors> {
    // Pad's amounts: the starts of the four axes, then their ends; the sequence axis is the third.
    const pads = (count: number) =>
      integerTensor(
        'int64',
        this.spec.padding === 'left' ? [0, 0, count, 0, 0, 0, 0, 0] : [0, 0, 0, 0, 0, 0, count, 0],
        [8],
      );
    const feeds: Record<string, Tensor> = { pads_first: pads(padFirst), pads_second: pads(padSecond) };
    this.spec.layers.forEach((layer, index) => {
      feeds[`first.${index}.key`] = first[layer.pastKey]!;
      feeds[`first.${index}.value`] = first[layer.pastValue]!;
      feeds[`second.${index}.key`] = second[layer.pastKey]!;
      feeds[`second.${index}.value`] = second[layer.pastValue]!;
    });
    return this.collect(await this.mergeSession.run(feeds));
  }

  /** Rows `rows` of `cache` (in that order), positions `start` to `end`. */
  async select(cache: CacheTensors, rows: readonly number[], start: number, end: number): Promise<CacheTensors> {
    const feeds: Record<string, Tensor> = {
      rows: integerTensor('int64', rows, [rows.length]),
      start: integerTensor('int64', [start], [1]),
      end: integerTensor('int64', [end], [1]),
    };
    this.spec.layers.forEach((layer, index) => {
      feeds[`cache.${index}.key`] = cache[layer.pastKey]!;
      feeds[`cache.${index}.value`] = cache[layer.pastValue]!;
    });
    return this.collect(await this.selectSession.run(feeds));
  }

  async release(): Promise<void> {
    await Promise.all([this.mergeSession.release(), this.selectSession.release()]);
  }

  private collect(outputs: ort.InferenceSession.OnnxValueMapType): CacheTensors {
    const cache: CacheTensors = {};
    this.spec.layers.forEach((layer, index) => {
      cache[layer.pastKey] = outputs[`present.${index}.key`] as Tensor;
      cache[layer.pastValue] = outputs[`present.${index}.value`] as Tensor;
    });
    return cache;
  }
}

/** The merge and select graphs for a decoder's cache layout, as ONNX model bytes with their output names. */
export function cacheGraphs(spec: SessionSpec): Record<'merge' | 'select', { bytes: Uint8Array; outputs: string[] }> {
  const { INT64, FLOAT, FLOAT16 } = onnx.TensorProto.DataType;
  const elemType = spec.cacheType === 'float16' ? FLOAT16 : FLOAT;
  // Each input's batch and length dimensions get names of their own: with one shared name ONNX Runtime may take two
  // inputs for the same size and plan one's buffer for the other (on the CPU, the Casts it inserts around an fp16
  // Pad then failed: "Shape mismatch attempting to re-use buffer" when two batches of different sizes merged).
  const cacheValue = (name: string) =>
    tensorValueInfo(name, elemType, [`${name}_batch`, spec.kvHeads, `${name}_length`, spec.headDim]);
  const indices = (name: string) => tensorValueInfo(name, INT64, [`${name}_size`]);
  const node = (opType: string, input: string[], output: string, attribute: object[] = []) => ({
    opType,
    input,
    output: [output],
    name: output,
    attribute,
  });
  const axis = (value: number) => ({ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: value });
  const tensors = spec.layers.flatMap((_, index) => [`${index}.key`, `${index}.value`]);
  const outputs = tensors.map((tensor) => `present.${tensor}`);
  const model = (name: string, input: object[], nodes: object[], initializer: object[] = []) =>
    onnx.ModelProto.encode(
      onnx.ModelProto.fromObject({
        irVersion: 8,
        producerName: 'groundwork',
        opsetImport: [{ domain: '', version: 13 }],
        graph: { name, input, output: outputs.map(cacheValue), node: nodes, initializer },
      }),
    ).finish();
  const merge = model(
    'kv-merge',
    [
      ...tensors.flatMap((t) => [cacheValue(`first.${t}`), cacheValue(`second.${t}`)]),
      indices('pads_first'),
      indices('pads_second'),
    ],
    tensors.flatMap((t) => [
      node('Pad', [`first.${t}`, 'pads_first'], `padded_first.${t}`),
      node('Pad', [`second.${t}`, 'pads_second'], `padded_second.${t}`),
      node('Concat', [`padded_first.${t}`, `padded_second.${t}`], `present.${t}`, [axis(0)]),
    ]),
  );
  const select = model(
    'kv-select',
    [...tensors.map((t) => cacheValue(`cache.${t}`)), indices('rows'), indices('start'), indices('end')],
    tensors.flatMap((t) => [
      node('Gather', [`cache.${t}`, 'rows'], `gathered.${t}`, [axis(0)]),
      node('Slice', [`gathered.${t}`, 'start', 'end', 'sequence_axis'], `present.${t}`),
    ]),
    [{ name: 'sequence_axis', dims: [1], dataType: INT64, int64Data: [2] }],
  );
  return { merge: { bytes: merge, outputs }, select: { bytes: select, outputs } };
}
