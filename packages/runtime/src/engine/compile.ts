import type { AnyNodeType } from '../node-types/node-type.js';
import type { FlowDefinition, RetryPolicy } from '../schema/flow.js';
import { isInputRequired } from '../schema/flow.js';
import { type Coercion, type PortType, parsePortType } from '../schema/port-types.js';
import { type FlowProblem, formatProblem } from '../schema/problems.js';
import { type AnalyzeOptions, analyzeFlow, type FlowAnalysis } from './analyze.js';
import { NO_VARIANT } from './analyze-node.js';

export interface CompiledEdge {
  from: number;
  fromPort: string;
  to: number;
  toPort: string;
  coercion: Coercion;
  toType: PortType;
  fromType: PortType;
  /** The target node is skipped when this edge settles without a value. */
  needsValue: boolean;
}

export interface CompiledNode {
  index: number;
  id: string;
  nodeType: AnyNodeType;
  /** Parsed configs by variant name ('' for a node without variants). */
  configs: ReadonlyMap<string, unknown>;
  defaultVariant: string | undefined;
  join: 'all' | 'any';
  incoming: readonly CompiledEdge[];
  outgoing: readonly CompiledEdge[];
  timeoutMs: number | undefined;
  retry: RetryPolicy | undefined;
  subflow: CompiledFlow | undefined;
}

export interface CompiledInput {
  name: string;
  type: PortType;
  required: boolean;
  default: unknown;
}

/** A validated flow laid out for running: nodes by index, edges on both ends, conversions decided. Immutable. */
export interface CompiledFlow {
  definition: FlowDefinition;
  name: string;
  nodes: readonly CompiledNode[];
  byId: ReadonlyMap<string, CompiledNode>;
  inputs: readonly CompiledInput[];
  outputNames: readonly string[];
  /** Nodes with no incoming edge: ready when the run starts. */
  roots: readonly number[];
}

export class FlowValidationError extends Error {
  override name = 'FlowValidationError';
  constructor(readonly problems: readonly FlowProblem[]) {
    super(
      `the flow has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
  }
}

/** Validates and compiles a flow; throws FlowValidationError listing every problem. */
export function compileFlow(flow: FlowDefinition, options: AnalyzeOptions): CompiledFlow {
  const { problems, analysis } = analyzeFlow(flow, options);
  if (problems.length > 0) throw new FlowValidationError(problems);
  return compileAnalysis(analysis);
}

/** Lays out an analysis that has no problems. */
export function compileAnalysis(analysis: FlowAnalysis): CompiledFlow {
  const { flow } = analysis;
  const positions = new Map(analysis.nodes.map((node, position) => [node, position]));
  const incoming = analysis.nodes.map(() => [] as CompiledEdge[]);
  const outgoing = analysis.nodes.map(() => [] as CompiledEdge[]);
  for (const edge of analysis.edges) {
    const compiled: CompiledEdge = {
      from: positions.get(edge.from)!,
      fromPort: edge.fromPort,
      to: positions.get(edge.to)!,
      toPort: edge.toPort,
      coercion: edge.coercion,
      toType: edge.toType,
      fromType: edge.fromType,
      needsValue: edge.needsValue,
    };
    incoming[compiled.to]!.push(compiled);
    outgoing[compiled.from]!.push(compiled);
  }
  const nodes: CompiledNode[] = analysis.nodes.map((node, index) => ({
    index,
    id: node.node.id,
    nodeType: node.type,
    configs: node.configs,
    defaultVariant: node.defaultVariant,
    join: node.type.join ?? 'all',
    incoming: incoming[index]!,
    outgoing: outgoing[index]!,
    timeoutMs: node.node.timeoutMs ?? node.type.defaultTimeoutMs,
    retry: node.node.retry,
    subflow: node.subflow ? compileAnalysis(node.subflow) : undefined,
  }));
  return {
    definition: flow,
    name: flow.name ?? 'inline',
    nodes,
    byId: new Map(nodes.map((node) => [node.id, node])),
    inputs: Object.entries(flow.inputs ?? {}).map(([name, input]) => ({
      name,
      type: parsePortType(input.type),
      required: isInputRequired(input),
      default: input.default,
    })),
    outputNames: Object.keys(flow.outputs ?? {}),
    roots: nodes.filter((node) => node.incoming.length === 0).map((node) => node.index),
  };
}

/** The config a node runs with for a variant ('' or undefined: its default). */
export function configFor(node: CompiledNode, variant: string | undefined): unknown {
  return node.configs.get(variant ?? node.defaultVariant ?? NO_VARIANT);
}
