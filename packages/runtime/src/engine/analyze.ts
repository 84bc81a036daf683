import type { PortContext } from '../node-types/node-type.js';
import type { NodeTypeRegistry } from '../node-types/registry.js';
import type { FlowDefinition, FlowEdge, FlowReference, InlineFlow } from '../schema/flow.js';
import { parsePortReference } from '../schema/flow.js';
import { type Coercion, checkConnection, formatPortType, type PortType } from '../schema/port-types.js';
import { type FlowProblem, formatProblem } from '../schema/problems.js';
import { type CheckedNode, checkNode, NO_VARIANT } from './analyze-node.js';
import { findCycles } from './cycles.js';
import { didYouMean } from './suggest.js';

export interface AnalyzeOptions {
  registry: NodeTypeRegistry;
  /**
   * Resolves a `{ ref }` written in the flow document `from`: the flow given to analyzeFlow, or one this resolver
   * returned (references inside inline sub-flows come from the document that holds them). The CLI resolves paths
   * relative to that document's file, the server stored flows by name. Without it, every reference is unknown.
   * Return the same object for the same flow: that is how a reference cycle is recognised at once.
   */
  resolveReference?: (ref: string, from: FlowDefinition) => FlowDefinition | undefined;
}

export interface AnalyzedNode extends CheckedNode {
  /** Output port types after inference from what is connected. */
  outputTypes: Map<string, PortType>;
  /** The analysed sub-flow of a `map` or `subflow` node. */
  subflow?: FlowAnalysis;
}

export interface AnalyzedEdge {
  index: number;
  edge: FlowEdge;
  from: AnalyzedNode;
  fromPort: string;
  to: AnalyzedNode;
  toPort: string;
  toType: PortType;
  /** The source port's type after inference (set by inferTypes). */
  fromType: PortType;
  /** The target node is skipped when this edge settles without a value. */
  needsValue: boolean;
  coercion: Coercion;
}

export interface FlowAnalysis {
  flow: FlowDefinition;
  nodes: AnalyzedNode[];
  edges: AnalyzedEdge[];
}

export interface AnalysisResult {
  problems: FlowProblem[];
  analysis: FlowAnalysis;
}

/** Every check on a flow, reporting every problem at once; the analysis is complete when there are none. */
export function analyzeFlow(flow: FlowDefinition, options: AnalyzeOptions): AnalysisResult {
  return new Analyzer(options).analyze(flow, [], flow);
}

/**
 * Recursion is recognised by identity (a resolver returns the same object for the same flow); the depth bound also
 * stops it when a resolver builds a new object on every call.
 */
const MAX_NESTING = 32;

class Analyzer {
  private readonly cache = new Map<FlowDefinition, AnalysisResult>();
  constructor(private readonly options: AnalyzeOptions) {}

  /** `origin` is the document `flow` was written in: itself, or the document holding it inline. */
  analyze(flow: FlowDefinition, stack: readonly FlowDefinition[], origin: FlowDefinition): AnalysisResult {
    const cached = this.cache.get(flow);
    if (cached) return cached;
    const problems: FlowProblem[] = [];
    const context: PortContext = {
      flowInputs: flow.inputs ?? {},
      flowOutputs: flow.outputs ?? {},
      resolveFlow: (spec) => this.resolve(spec, origin),
    };
    const known = new Set<string>();
    const byId = new Map<string, AnalyzedNode>();
    flow.nodes.forEach((node, index) => {
      if (known.has(node.id)) {
        problems.push({
          code: 'duplicate-id',
          path: ['nodes', index, 'id'],
          nodeId: node.id,
          message: `id "${node.id}" is used by more than one node`,
        });
        return;
      }
      known.add(node.id);
      const checked = checkNode(node, index, this.options.registry, context, problems);
      if (checked) byId.set(node.id, { ...checked, outputTypes: new Map() });
    });
    for (const node of [...byId.values()]) {
      // A node whose sub-flow cannot be analysed has no known ports: drop it like a node of unknown type, so its
      // edges do not add problems on top of the one that matters.
      if (!this.analyzeSubflow(node, origin, [...stack, flow], problems)) byId.delete(node.node.id);
    }

    const edges = this.checkEdges(flow, known, byId, problems);
    this.checkCycles(flow, edges, problems);
    checkMissingInputs(flow, byId, problems);
    inferTypes(byId, edges, problems);
    checkFlowOutputs(flow, byId, problems);

    const result = { problems, analysis: { flow, nodes: [...byId.values()], edges } };
    this.cache.set(flow, result);
    return result;
  }

  private resolve(spec: FlowReference | InlineFlow, from: FlowDefinition): FlowDefinition | undefined {
    return 'ref' in spec ? this.options.resolveReference?.(spec.ref, from) : spec;
  }

  /** Analyses the sub-flow of a map/subflow node; false when it cannot be found or recurses. */
  private analyzeSubflow(
    node: AnalyzedNode,
    origin: FlowDefinition,
    stack: FlowDefinition[],
    problems: FlowProblem[],
  ): boolean {
    const spec = node.type.subflow?.(node.configs.get(node.defaultVariant ?? NO_VARIANT));
    if (!spec) return true;
    const at = ['nodes', node.index, 'config', 'flow'];
    const definition = this.resolve(spec, origin);
    const name = 'ref' in spec ? `flow "${spec.ref}"` : 'the inline flow';
    if (!definition) {
      problems.push({
        code: 'unknown-flow-reference',
        path: [...at, 'ref'],
        nodeId: node.node.id,
        message: `cannot find ${name}`,
      });
      return false;
    }
    if (stack.includes(definition) || stack.length >= MAX_NESTING) {
      problems.push({
        code: 'recursive-flow',
        path: at,
        nodeId: node.node.id,
        message: stack.includes(definition)
          ? `${name} runs itself through this node; flows cannot recurse`
          : `sub-flows nest more than ${MAX_NESTING} levels deep here; flows cannot recurse`,
      });
      return false;
    }
    const inner = this.analyze(definition, stack, 'ref' in spec ? definition : origin);
    for (const problem of inner.problems) {
      problems.push({
        code: problem.code,
        nodeId: node.node.id,
        path: 'ref' in spec ? [...at, 'ref'] : [...at, ...problem.path],
        message: `in ${name}: ${formatProblem(problem)}`,
      });
    }
    node.subflow = inner.analysis;
    return true;
  }

  private checkEdges(
    flow: FlowDefinition,
    known: Set<string>,
    byId: Map<string, AnalyzedNode>,
    problems: FlowProblem[],
  ) {
    const edges: AnalyzedEdge[] = [];
    const byTarget = new Map<string, FlowEdge>();
    (flow.edges ?? []).forEach((edge, index) => {
      const report = (code: FlowProblem['code'], end: 'from' | 'to' | undefined, message: string) =>
        problems.push({ code, edge, path: end ? ['edges', index, end] : ['edges', index], message });
      const from = parsePortReference(edge.from);
      const to = parsePortReference(edge.to);
      for (const [end, reference] of [
        ['from', from],
        ['to', to],
      ] as const) {
        if (!known.has(reference.node)) {
          report(
            'dangling-edge',
            end,
            `${end}: there is no node "${reference.node}"${didYouMean(reference.node, known)}`,
          );
        }
      }
      // Claim the target input even when a node is unusable, so a second edge into it is reported now, not later.
      const previous = byTarget.get(edge.to);
      if (known.has(to.node) && !previous) byTarget.set(edge.to, edge);
      const source = byId.get(from.node);
      const target = byId.get(to.node);
      if (!source || !target) return;
      const output = source.ports.outputs.find((port) => port.name === from.port);
      const input = target.ports.inputs.find((port) => port.name === to.port);
      if (!output) report('dangling-edge', 'from', missingPortMessage(source, from.port, 'output'));
      if (!input) report('dangling-edge', 'to', missingPortMessage(target, to.port, 'input'));
      if (!output || !input) return;
      if (previous) {
        report(
          'duplicate-edge',
          'to',
          `input ${edge.to} already has an edge from ${previous.from}; an input takes one edge (join branches with a merge or collect node)`,
        );
        return;
      }
      const analyzed: AnalyzedEdge = {
        index,
        edge,
        from: source,
        fromPort: from.port,
        to: target,
        toPort: to.port,
        toType: input.type,
        fromType: output.type,
        needsValue: Boolean(input.required || input.skipWhenInactive),
        coercion: 'none',
      };
      edges.push(analyzed);
    });
    return edges;
  }

  private checkCycles(flow: FlowDefinition, edges: AnalyzedEdge[], problems: FlowProblem[]): void {
    const successors = flow.nodes.map(() => [] as { node: number; edge: AnalyzedEdge }[]);
    for (const edge of edges) successors[edge.from.index]!.push({ node: edge.to.index, edge });
    for (const cycle of findCycles(successors)) {
      const ids = cycle.map((step) => flow.nodes[step.from]!.id);
      const closing = cycle[cycle.length - 1]!.edge;
      problems.push({
        code: 'cycle',
        path: ['edges', closing.index],
        nodeId: ids[0]!,
        edge: closing.edge,
        message: `cycle ${[...ids, ids[0]].join(' -> ')}: a node cannot depend on its own output; remove one of these edges`,
      });
    }
  }
}

function missingPortMessage(node: AnalyzedNode, port: string, side: 'input' | 'output'): string {
  const ports = side === 'input' ? node.ports.inputs : node.ports.outputs;
  const other = side === 'input' ? node.ports.outputs : node.ports.inputs;
  const names = ports.map((p) => p.name);
  const list = names.length ? names.join(', ') : 'none';
  if (other.some((p) => p.name === port)) {
    return side === 'output'
      ? `"${port}" is an input of node "${node.node.id}"; an edge starts at an output (outputs: ${list})`
      : `"${port}" is an output of node "${node.node.id}"; an edge ends at an input (inputs: ${list})`;
  }
  return `node "${node.node.id}" (${node.type.type}) has no ${side} "${port}"${didYouMean(port, names)} (${side}s: ${list})`;
}

/** Inputs with no edge written to them; an edge with a problem of its own still counts, so one mistake is one problem. */
function checkMissingInputs(flow: FlowDefinition, byId: Map<string, AnalyzedNode>, problems: FlowProblem[]): void {
  const connected = new Set((flow.edges ?? []).map((edge) => edge.to));
  for (const node of byId.values()) {
    const id = node.node.id;
    for (const input of node.ports.inputs) {
      if (!input.required || connected.has(`${id}.${input.name}`)) continue;
      const why = input.description ? ` (${input.description})` : '';
      problems.push({
        code: 'missing-input',
        path: ['nodes', node.index],
        nodeId: id,
        message: `input "${input.name}"${why} is required but has no edge`,
      });
    }
    if (node.type.join === 'any' && !node.ports.inputs.some((input) => connected.has(`${id}.${input.name}`))) {
      problems.push({
        code: 'missing-input',
        path: ['nodes', node.index],
        nodeId: id,
        message: `a ${node.type.type} node needs at least one connected input`,
      });
    }
  }
}

/** Works out output types in dependency order, then checks each edge's types and records how values cross it. */
function inferTypes(byId: Map<string, AnalyzedNode>, edges: AnalyzedEdge[], problems: FlowProblem[]): void {
  const incoming = new Map<AnalyzedNode, AnalyzedEdge[]>();
  const outgoing = new Map<AnalyzedNode, AnalyzedEdge[]>();
  for (const edge of edges) {
    incoming.set(edge.to, [...(incoming.get(edge.to) ?? []), edge]);
    outgoing.set(edge.from, [...(outgoing.get(edge.from) ?? []), edge]);
  }
  const remaining = new Map([...byId.values()].map((node) => [node, incoming.get(node)?.length ?? 0]));
  const ready = [...byId.values()].filter((node) => remaining.get(node) === 0);
  const settle = (node: AnalyzedNode) => {
    const inputTypes = new Map<string, PortType>();
    for (const edge of incoming.get(node) ?? []) {
      const type = edge.from.outputTypes.get(edge.fromPort);
      if (type) inputTypes.set(edge.toPort, type);
    }
    const config = node.configs.get(node.defaultVariant ?? NO_VARIANT);
    const outputs = node.type.inferOutputs?.(config, inputTypes, node.ports) ?? node.ports.outputs;
    for (const output of outputs) node.outputTypes.set(output.name, output.type);
  };
  while (ready.length > 0) {
    const node = ready.pop()!;
    settle(node);
    for (const edge of outgoing.get(node) ?? []) {
      const left = remaining.get(edge.to)! - 1;
      remaining.set(edge.to, left);
      if (left === 0) ready.push(edge.to);
    }
  }
  // Nodes on a cycle never became ready: give them their declared types so their edges are still checked.
  for (const node of byId.values()) if (node.outputTypes.size === 0) settle(node);

  for (const edge of edges) {
    const fromType = edge.from.outputTypes.get(edge.fromPort)!;
    edge.fromType = fromType;
    const check = checkConnection(fromType, edge.toType);
    if (check.ok) {
      edge.coercion = check.coercion;
      continue;
    }
    problems.push({
      code: 'type-mismatch',
      edge: edge.edge,
      path: ['edges', edge.index],
      message: `${edge.edge.from} gives ${formatPortType(fromType)} but ${edge.edge.to} takes ${formatPortType(edge.toType)}`,
    });
  }
}

function checkFlowOutputs(flow: FlowDefinition, byId: Map<string, AnalyzedNode>, problems: FlowProblem[]): void {
  const setters = new Map<string, AnalyzedNode[]>();
  for (const node of byId.values()) {
    const name = node.type.flowOutput?.(node.configs.get(node.defaultVariant ?? NO_VARIANT));
    if (name !== undefined) setters.set(name, [...(setters.get(name) ?? []), node]);
  }
  for (const name of Object.keys(flow.outputs ?? {})) {
    const nodes = setters.get(name) ?? [];
    if (nodes.length === 0) {
      problems.push({
        code: 'missing-flow-output',
        path: ['outputs', name],
        message: `output "${name}" is declared but no output node sets it`,
      });
    }
    for (const extra of nodes.slice(1)) {
      problems.push({
        code: 'duplicate-flow-output',
        path: ['nodes', extra.index],
        nodeId: extra.node.id,
        message: `output "${name}" is already set by node "${nodes[0]!.node.id}"; join the branches with a merge node and use one output node`,
      });
    }
  }
}
