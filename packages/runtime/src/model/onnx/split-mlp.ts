import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type Graph = onnxProto.onnx.IGraphProto;
type Node = onnxProto.onnx.INodeProto;
type Initializer = onnxProto.onnx.ITensorProto;

const { FLOAT, FLOAT16, INT64 } = onnx.TensorProto.DataType;
const MICROSOFT = 'com.microsoft';

/**
 * How many parts a SiLU-gated MLP's intermediate width is cut into (splitMlps): 8 where each part stays a multiple
 * of 4 wide (the WebGPU provider's vec4 MatMul), fewer where not, 1 (no split) for widths that allow none. Eight
 * measured best for the down projection of Qwen 0.5B on an H200 (43 µs a step at batch 1 and 50 at 32, against 96
 * and 188 whole; 2 and 4 parts in between: bench/llm/matmul-probe.ts).
 */
export function mlpParts(intermediate: number): number {
  return [8, 4, 2].find((parts) => intermediate % (4 * parts) === 0) ?? 1;
}

/** A SiLU-gated MLP found in a graph: down(silu(gate(x)) · up(x)), its projections MatMuls over float constants. */
interface MlpMatch {
  x: string;
  gate: Initializer;
  up: Initializer;
  down: Initializer;
  hidden: number;
  width: number;
  /** The nodes it replaces (the down projection last: the rewrite goes where it was). */
  nodes: Node[];
  /** The values only those nodes used (their value_info goes with them). */
  inner: string[];
  output: string;
}

const dimsOf = (tensor: Initializer) => (tensor.dims ?? []).map(Number);
const isFloat = (tensor: Initializer | undefined) => tensor?.dataType === FLOAT || tensor?.dataType === FLOAT16;

/**
 * The decoder's SiLU-gated MLPs rewritten for the WebGPU provider (decision 0016): ONNX Runtime's WebGPU MatMul
 * gives a workgroup 32 output columns and the whole inner dimension, which leaves a decode step's down projection
 * (Qwen 0.5B: 4,864 deep, 896 wide) on 28 workgroups, the largest cost of a step at 32 rows after attention. Each
 * MLP becomes the same product in more, shorter workgroups: x as one batch of rows [1, rows, hidden]; gate and up
 * one batched MatMul over their weights viewed by part and stacked ([2P, hidden, width/P], Reshape, Transpose and
 * Concat of the constants, which ONNX Runtime folds when the session is created), split into gate and up; the down
 * projection per part over its block of rows ([P, width/P, hidden], a view); the parts added by a MatMul with a
 * row of ones (a MatMul adds in one order whatever the number of rows; ReduceSum's order changed with it); the sum
 * shaped back as x. As many kernels as before. Matched only exactly: MatMul gate and up over the same input with
 * float constant weights [hidden, width], SiLU as Sigmoid and Mul (as exporters write it) or QuickGelu with alpha
 * 1, their product into a MatMul down over a constant [width, hidden], the intermediate values used nowhere else.
 * Gives how many MLPs were rewritten (none in a graph with subgraphs); needs the default operator set 13 or later
 * (Split's sizes as an input).
 */
export function splitMlps(graph: Graph): number {
  const nodes = graph.node ?? [];
  // A node holding subgraphs (If, Loop, Scan: Optimum's merged decoders) may read any value by name from inside
  // them, which the counts below do not see; such graphs are left as they are.
  const { GRAPH, GRAPHS } = onnx.AttributeProto.AttributeType;
  if (nodes.some((node) => node.attribute?.some((attribute) => attribute.type === GRAPH || attribute.type === GRAPHS)))
    return 0;
  const producers = new Map<string, Node>();
  const uses = new Map<string, number>();
  for (const node of nodes) {
    for (const output of node.output ?? []) producers.set(output, node);
    for (const input of node.input ?? []) uses.set(input, (uses.get(input) ?? 0) + 1);
  }
  for (const output of graph.output ?? []) uses.set(output.name ?? '', Number.POSITIVE_INFINITY);
  const initializers = new Map((graph.initializer ?? []).map((tensor) => [tensor.name ?? '', tensor]));
  const matches = nodes
    .filter((node) => node.opType === 'MatMul' && !node.domain)
    .map((down) => matchMlp(down, { producers, uses, initializers }))
    .filter((match): match is MlpMatch => match !== undefined && mlpParts(match.width) > 1);
  if (matches.length === 0) return 0;
  const replaced = new Map<Node, Node[]>();
  const removed = new Set<Node>();
  const inner = new Set<string>();
  matches.forEach((match, index) => {
    const { nodes: added, initializer } = splitMlpNodes(match, `groundwork_split_mlp/${index}/`);
    for (const node of match.nodes) removed.add(node);
    for (const name of match.inner) inner.add(name);
    replaced.set(match.nodes[match.nodes.length - 1]!, added);
    graph.initializer = [...(graph.initializer ?? []), ...initializer];
  });
  graph.node = nodes.flatMap((node) => replaced.get(node) ?? (removed.has(node) ? [] : [node]));
  graph.valueInfo = (graph.valueInfo ?? []).filter((info) => !inner.has(info.name ?? ''));
  return matches.length;
}

function matchMlp(
  down: Node,
  graph: { producers: Map<string, Node>; uses: Map<string, number>; initializers: Map<string, Initializer> },
): MlpMatch | undefined {
  const { producers, uses, initializers } = graph;
  const only = (value: string, count = 1) => uses.get(value) === count;
  const made = (value: string, opType: string, domain = '') => {
    const node = producers.get(value);
    return node && node.opType === opType && (node.domain ?? '') === domain ? node : undefined;
  };
  const downWeight = initializers.get(down.input?.[1] ?? '');
  const product = made(down.input?.[0] ?? '', 'Mul');
  if (!isFloat(downWeight) || dimsOf(downWeight!).length !== 2 || !product || !only(down.input![0]!)) return undefined;
  const [width, hidden] = dimsOf(downWeight!) as [number, number];
  for (const [upValue, actValue] of [product.input ?? [], [...(product.input ?? [])].reverse()]) {
    const up = made(upValue ?? '', 'MatMul');
    const activation = silu(actValue ?? '', made, only);
    if (!up || !activation || !only(upValue!) || !only(actValue!)) continue;
    const gate = made(activation.gateValue, 'MatMul');
    const [upWeight, gateWeight] = [initializers.get(up.input?.[1] ?? ''), initializers.get(gate?.input?.[1] ?? '')];
    const x = up.input?.[0];
    const fits = (tensor: Initializer | undefined) =>
      isFloat(tensor) && tensor!.dataType === downWeight!.dataType && dimsOf(tensor!).join() === `${hidden},${width}`;
    if (!gate || !x || gate.input?.[0] !== x || !fits(upWeight) || !fits(gateWeight)) continue;
    return {
      x,
      gate: gateWeight!,
      up: upWeight!,
      down: downWeight!,
      hidden,
      width,
      nodes: [gate, up, ...activation.nodes, product, down],
      inner: [activation.gateValue, upValue!, ...activation.inner, actValue!, down.input![0]!],
      output: down.output![0]!,
    };
  }
  return undefined;
}

/** SiLU of a gate value as exporters write it: Mul(g, Sigmoid(g)), or com.microsoft QuickGelu(g) with alpha 1. */
function silu(
  value: string,
  made: (value: string, opType: string, domain?: string) => Node | undefined,
  only: (value: string, count?: number) => boolean,
): { gateValue: string; nodes: Node[]; inner: string[] } | undefined {
  const quick = made(value, 'QuickGelu', MICROSOFT);
  if (quick) {
    const alpha = quick.attribute?.find((attribute) => attribute.name === 'alpha')?.f;
    const gateValue = quick.input?.[0];
    return alpha === 1 && gateValue && only(gateValue) ? { gateValue, nodes: [quick], inner: [] } : undefined;
  }
  const mul = made(value, 'Mul');
  if (mul?.input?.length !== 2) return undefined;
  for (const [gateValue, sigmoidValue] of [mul.input, [...mul.input].reverse()]) {
    const sigmoid = made(sigmoidValue ?? '', 'Sigmoid');
    if (sigmoid && sigmoid.input?.[0] === gateValue && only(gateValue!, 2) && only(sigmoidValue!))
      return { gateValue: gateValue!, nodes: [sigmoid, mul], inner: [sigmoidValue!] };
  }
  return undefined;
}

/** The nodes and constants that compute a matched MLP in parts, into the down projection's own output name. */
function splitMlpNodes(match: MlpMatch, prefix: string): { nodes: Node[]; initializer: Initializer[] } {
  const { hidden, width } = match;
  const parts = mlpParts(width);
  const part = width / parts;
  const initializer: Initializer[] = [];
  const nodes: Node[] = [];
  const ints = (name: string, values: number[]) => {
    initializer.push(
      onnx.TensorProto.fromObject({ name: prefix + name, dims: [values.length], dataType: INT64, int64Data: values }),
    );
    return prefix + name;
  };
  const op = (opType: string, inputs: string[], name: string, attribute: object[] = [], outputs = [prefix + name]) => {
    nodes.push(
      onnx.NodeProto.fromObject({ opType, domain: '', name: prefix + name, input: inputs, output: outputs, attribute }),
    );
    return outputs[0]!;
  };
  const { INT, INTS } = onnx.AttributeProto.AttributeType;
  const byPart = (weight: Initializer, name: string) => {
    const viewed = op('Reshape', [weight.name!, ints(`${name}_parts_shape`, [hidden, parts, part])], `${name}_parts`);
    return op('Transpose', [viewed], `${name}_by_part`, [{ name: 'perm', type: INTS, ints: [1, 0, 2] }]);
  };
  const rows = op('Reshape', [match.x, ints('rows_shape', [1, -1, hidden])], 'rows');
  const stacked = op('Concat', [byPart(match.gate, 'gate'), byPart(match.up, 'up')], 'gate_up', [
    { name: 'axis', type: INT, i: 0 },
  ]);
  const both = op('MatMul', [rows, stacked], 'gate_up_product');
  const [gate, up] = [`${prefix}gate`, `${prefix}up`];
  op('Split', [both, ints('split', [parts, parts])], 'split', [{ name: 'axis', type: INT, i: 0 }], [gate, up]);
  const sigmoid = op('Sigmoid', [gate], 'sigmoid');
  const gated = op('Mul', [op('Mul', [gate, sigmoid], 'silu'), up], 'gated');
  const downParts = op('Reshape', [match.down.name!, ints('down_parts_shape', [parts, part, hidden])], 'down_parts');
  const partial = op('MatMul', [gated, downParts], 'partial');
  const flat = op('Reshape', [partial, ints('flat_shape', [parts, -1])], 'flat');
  const ones =
    match.down.dataType === FLOAT16
      ? { rawData: new Uint8Array(new Uint16Array(parts).fill(0x3c00).buffer) }
      : { floatData: new Array<number>(parts).fill(1) };
  initializer.push(
    onnx.TensorProto.fromObject({ name: `${prefix}ones`, dims: [1, parts], dataType: match.down.dataType, ...ones }),
  );
  const sum = op('MatMul', [`${prefix}ones`, flat], 'sum');
  op('Reshape', [sum, op('Shape', [match.x], 'x_shape')], 'back', [], [match.output]);
  return { nodes, initializer };
}

/**
 * The decoder file with its MLPs split (splitMlps), as bytes to open with the file's folder as its external data
 * folder; or why not: no MLP of that form, an operator set before 13, a file that does not decode. Reads the whole
 * file (a graph with its weights inside is at most 2 GB, protobuf's limit).
 */
export function withSplitMlps(onnxPath: string): { bytes: Uint8Array; count: number } | { reason: string } {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(readFileSync(onnxPath));
  } catch (error) {
    // A file that cannot be read or decoded is left to ONNX Runtime, which says what is wrong with it.
    return { reason: `the graph could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  const opset = Number(model.opsetImport.find((entry) => !entry.domain)?.version ?? 0);
  if (opset < 13) return { reason: `the graph imports operator set ${opset}; splitting an MLP needs 13 or later` };
  const count = model.graph ? splitMlps(model.graph) : 0;
  if (count === 0) return { reason: 'the graph has no SiLU-gated MLP of the form that is split' };
  return { bytes: onnx.ModelProto.encode(model).finish(), count };
}
