import onnxProto from 'onnx-proto';
import { float16Bits } from './float16.js';
import type { WeightDtype, WeightFill, WeightSpec, WrittenWeight } from './synth-weights.js';

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

export type Dim = number | string;
export type ElementType = 'float' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8';
export type AttributeValue = number | number[] | string | { float: number };

const ELEMENT_TYPES: Record<ElementType, number> = {
  float: DataType.FLOAT,
  float16: DataType.FLOAT16,
  int64: DataType.INT64,
  int32: DataType.INT32,
  bool: DataType.BOOL,
  uint8: DataType.UINT8,
};

export const MICROSOFT = 'com.microsoft';

/**
 * Builds an ONNX graph node by node. Weights are only declared here (name, shape, how to fill them); their bytes
 * are written to the external data file separately and the graph points at them when it is encoded.
 */
export class GraphBuilder {
  private readonly nodes: object[] = [];
  private readonly initializers: object[] = [];
  private readonly inputs: object[] = [];
  private readonly outputs: object[] = [];
  readonly weights: WeightSpec[] = [];
  private readonly names = new Map<string, number>();
  private readonly constants = new Map<string, string>();

  /** The element type activations and weights have: float or float16. */
  readonly floatType: 'float' | 'float16';

  constructor(readonly dtype: WeightDtype) {
    this.floatType = dtype === 'fp16' ? 'float16' : 'float';
  }

  input(name: string, type: ElementType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, type, dims));
    return name;
  }

  output(name: string, type: ElementType, dims: Dim[]): string {
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  weight(name: string, dims: number[], fill: WeightFill): string {
    this.weights.push({ name, dims, fill });
    return name;
  }

  /** A small int64 constant, shared between the nodes that use the same values. */
  ints(values: readonly number[], scalar = false): string {
    return this.constant(`ints:${scalar}:${values.join(',')}`, () => ({
      dims: scalar ? [] : [values.length],
      dataType: DataType.INT64,
      rawData: new Uint8Array(new BigInt64Array(values.map(BigInt)).buffer),
    }));
  }

  /** A scalar float constant, of the graph's float type unless another is named. */
  float(value: number, type: 'float' | 'float16' = this.floatType): string {
    return this.constant(`${type}:${value}`, () =>
      type === 'float16'
        ? { dims: [], dataType: DataType.FLOAT16, rawData: new Uint8Array(Uint16Array.of(float16Bits(value)).buffer) }
        : { dims: [], dataType: DataType.FLOAT, floatData: [value] },
    );
  }

  /** Adds a node; returns its outputs, named after `name` (made unique). */
  node(
    opType: string,
    inputs: readonly string[],
    name: string,
    attributes: Record<string, AttributeValue> = {},
    options: { outputs?: number; domain?: string; outputNames?: string[] } = {},
  ): string[] {
    const unique = this.unique(name);
    const outputs =
      options.outputNames ??
      Array.from({ length: options.outputs ?? 1 }, (_, index) => (index === 0 ? unique : `${unique}_${index}`));
    this.nodes.push({
      opType,
      domain: options.domain ?? '',
      name: unique,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return outputs;
  }

  /** One output of a node. */
  op(opType: string, inputs: readonly string[], name: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, name, attributes)[0]!;
  }

  /** The encoded model, its weights in `dataFile` (relative to the graph) at the offsets written. */
  encode(written: readonly WrittenWeight[], dataFile: string, graphName: string): Uint8Array {
    const bytes = new Set(this.weights.filter((spec) => spec.fill.kind === 'bytes').map((spec) => spec.name));
    const external = written.map((weight) => ({
      name: weight.name,
      dims: weight.dims,
      dataType: ELEMENT_TYPES[bytes.has(weight.name) ? 'uint8' : this.floatType],
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: dataFile },
        { key: 'offset', value: String(weight.offset) },
        { key: 'length', value: String(weight.length) },
      ],
    }));
    const model = onnx.ModelProto.fromObject({
      irVersion: 8,
      producerName: 'groundwork-synth',
      opsetImport: [
        { domain: '', version: 17 },
        { domain: MICROSOFT, version: 1 },
      ],
      graph: {
        name: graphName,
        input: this.inputs,
        output: this.outputs,
        initializer: [...this.initializers, ...external],
        node: this.nodes,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private constant(key: string, tensor: () => object): string {
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.unique('const');
    this.initializers.push({ name, ...tensor() });
    this.constants.set(key, name);
    return name;
  }

  private unique(name: string): string {
    const count = this.names.get(name) ?? 0;
    this.names.set(name, count + 1);
    return count === 0 ? name : `${name}_${count}`;
  }
}

function valueInfo(name: string, type: ElementType, dims: Dim[]) {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEMENT_TYPES[type],
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

function attribute(name: string, value: AttributeValue) {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'object') return { name, type: AttributeType.FLOAT, f: value.float };
  return { name, type: AttributeType.INT, i: value };
}

export const TYPES = ELEMENT_TYPES;
