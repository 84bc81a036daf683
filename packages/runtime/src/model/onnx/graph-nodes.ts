import { ModelLoadError } from './model-load-error.js';
import { FileReader } from './onnx-file.js';
import type { GraphTraits } from './session-spec.js';

/** What the engine needs to know of a graph node: its operator, inputs, outputs and integer attributes. */
export interface GraphNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  ints: Record<string, number>;
}

/**
 * The nodes of a graph's top level, read from the ONNX file without loading it (weights are skipped by their
 * length). GraphProto.node is field 1; NodeProto: input 1, output 2, op_type 4, attribute 5; AttributeProto: name 1,
 * i 3. Nodes inside subgraphs (If, Loop) are not listed.
 */
export function readGraphNodes(onnxPath: string): GraphNode[] {
  const file = new FileReader(onnxPath);
  try {
    const graph = file.findField(0, file.size, 7);
    if (!graph) return [];
    const nodes: GraphNode[] = [];
    for (let at = graph.start; at < graph.end; ) {
      const field = file.field(at);
      at = field.end;
      if (field.number !== 1 || field.wireType !== 2) continue;
      try {
        nodes.push(parseNode(file.bytes(field.start, field.end)));
      } catch {
        throw new ModelLoadError(
          'bad-onnx',
          `${onnxPath}: not a well-formed ONNX file (the node at byte ${field.start})`,
        );
      }
    }
    return nodes;
  } finally {
    file.close();
  }
}

/** What the engine needs to know of a graph beyond its interface: see SessionSpec.padding, groupQueryAttention. */
export function graphTraits(nodes: readonly GraphNode[]): GraphTraits {
  return {
    padding: paddingSide(nodes),
    groupQueryAttention: nodes.some((node) => node.opType === 'GroupQueryAttention'),
  };
}

/**
 * Where a batch's shorter rows are padded for this graph (see OnnxBatchModel). 'right' for a graph whose
 * GroupQueryAttention places each row's tokens at the start of its cache: rotary applied inside the attention
 * (do_rotary=1, positions from seqlens_k) or seqlens_k counted from attention_mask (a ReduceSum), as
 * onnxruntime-genai builds its models; 'left' otherwise (exported graphs that concatenate the cache and mask
 * padding wherever it is, and fused graphs that give every row the full length and mask padding through a bias).
 */
export function paddingSide(nodes: readonly GraphNode[]): 'left' | 'right' {
  const producers = new Map<string, GraphNode>();
  for (const node of nodes) for (const output of node.outputs) producers.set(output, node);
  for (const node of nodes) {
    if (node.opType !== 'GroupQueryAttention') continue;
    if (node.ints.do_rotary === 1) return 'right';
    // seqlens_k is input 5; a few nodes up (Sub, Cast) from a count of the mask when genai built it.
    let frontier = [node.inputs[5] ?? ''];
    for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
      const found = frontier.map((name) => producers.get(name)).filter((found) => found !== undefined);
      if (found.some((producer) => producer.opType === 'ReduceSum')) return 'right';
      frontier = found.flatMap((producer) => producer.inputs);
    }
  }
  return 'left';
}

function parseNode(bytes: Buffer): GraphNode {
  const node: GraphNode = { opType: '', inputs: [], outputs: [], ints: {} };
  for (const field of fields(bytes)) {
    if (field.wire !== 2) continue;
    const content = bytes.subarray(field.start, field.end);
    if (field.number === 1) node.inputs.push(content.toString('utf8'));
    else if (field.number === 2) node.outputs.push(content.toString('utf8'));
    else if (field.number === 4) node.opType = content.toString('utf8');
    else if (field.number === 5) {
      let name = '';
      let value: number | undefined;
      for (const inner of fields(content)) {
        if (inner.number === 1 && inner.wire === 2) name = content.subarray(inner.start, inner.end).toString('utf8');
        if (inner.number === 3 && inner.wire === 0) value = inner.value;
      }
      if (name && value !== undefined) node.ints[name] = value;
    }
  }
  return node;
}

interface BufferField {
  number: number;
  wire: number;
  start: number;
  end: number;
  /** A varint field's value (small non-negative values only: attribute flags). */
  value: number;
}

function* fields(bytes: Buffer): Generator<BufferField> {
  let at = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; at < bytes.length; shift += 7) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new Error('a damaged ONNX node');
  };
  while (at < bytes.length) {
    const tag = varint();
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) {
      const start = at;
      const value = varint();
      yield { number, wire, start, end: at, value };
    } else if (wire === 2) {
      const length = varint();
      yield { number, wire, start: at, end: at + length, value: 0 };
      at += length;
    } else if (wire === 1 || wire === 5) {
      const size = wire === 1 ? 8 : 4;
      yield { number, wire, start: at, end: at + size, value: 0 };
      at += size;
    } else throw new Error('a damaged ONNX node');
  }
}
