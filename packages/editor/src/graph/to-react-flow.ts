import type { AnyNodeType } from '@groundwork/runtime/node-types';
import { defaultRegistry } from '@groundwork/runtime/node-types';
import {
  type Flow,
  type FlowEdge,
  type FlowNode,
  type FlowProblem,
  formatPortType,
  formatProblem,
  type PortType,
  parsePortReference,
  primitive,
} from '@groundwork/runtime/schema';
import type { Edge, Node } from '@xyflow/react';
import { analysisOf } from './analysis.js';
import { portColor } from './port-colors.js';

/** A port as the canvas draws it: a handle coloured by its type. */
export interface PortView {
  name: string;
  /** The type as written in flow files, after inference (`list<text>`). */
  type: string;
  color: string;
  required: boolean;
  description?: string;
  /** A port the node does not have (an edge names it, or the node's config is broken). */
  unknown?: boolean;
}

export interface FlowNodeData extends Record<string, unknown> {
  node: FlowNode;
  /** Undefined for a type the registry does not know. */
  nodeType: AnyNodeType | undefined;
  title: string;
  inputs: PortView[];
  outputs: PortView[];
  /** The problems about this node (and its config and variants), for badges and the inspector. */
  problems: FlowProblem[];
}

export type FlowCanvasNode = Node<FlowNodeData, 'flow'>;

export interface FlowEdgeData extends Record<string, unknown> {
  edge: FlowEdge;
  /** The problems about this edge (type mismatch, dangling end, cycle). */
  problems: FlowProblem[];
}

export type FlowCanvasEdge = Edge<FlowEdgeData>;

export const edgeId = (edge: FlowEdge) => `${edge.from}->${edge.to}`;

function portView(name: string, type: PortType, required: boolean, description?: string): PortView {
  return {
    name,
    type: formatPortType(type),
    color: portColor(type),
    required,
    ...(description ? { description } : {}),
  };
}

/**
 * The flow as React Flow nodes and edges. Ports and their types come from the runtime's analysis (inferred types
 * included); a node the analysis could not use (unknown type, broken config) still shows the ports its edges name,
 * so nothing on the canvas disappears while it is being fixed.
 */
export function toReactFlow(
  flow: Flow,
  selected: { nodes: readonly string[]; edges: readonly string[] } = { nodes: [], edges: [] },
) {
  const { problems, analysis } = analysisOf(flow);
  const analysed = new Map(analysis.nodes.map((node) => [node.node.id, node]));
  const registry = defaultRegistry();
  const edgesOf = (nodeId: string, side: 'from' | 'to') =>
    (flow.edges ?? []).map((edge) => parsePortReference(edge[side])).filter((end) => end.node === nodeId);

  const nodes: FlowCanvasNode[] = flow.nodes.map((node, index) => {
    const known = analysed.get(node.id);
    const nodeType = registry.get(node.type);
    let inputs: PortView[];
    let outputs: PortView[];
    if (known) {
      inputs = known.ports.inputs.map((port) =>
        portView(port.name, port.type, port.required ?? false, port.description),
      );
      outputs = known.ports.outputs.map((port) => {
        const spec = known.ports.outputs.find((output) => output.name === port.name)!;
        return portView(port.name, known.outputTypes.get(port.name) ?? port.type, false, spec.description);
      });
    } else {
      const unknownPort = (name: string): PortView => ({ ...portView(name, primitive('any'), false), unknown: true });
      inputs = unique(edgesOf(node.id, 'to').map((end) => end.port)).map(unknownPort);
      outputs = unique(edgesOf(node.id, 'from').map((end) => end.port)).map(unknownPort);
    }
    // Ports that edges name but the node does not have stay visible, marked, so the dangling edge can be seen.
    for (const end of edgesOf(node.id, 'to')) {
      if (!inputs.some((port) => port.name === end.port))
        inputs.push({ ...portView(end.port, primitive('any'), false), unknown: true });
    }
    for (const end of edgesOf(node.id, 'from')) {
      if (!outputs.some((port) => port.name === end.port))
        outputs.push({ ...portView(end.port, primitive('any'), false), unknown: true });
    }
    return {
      id: node.id,
      type: 'flow',
      position: node.position ?? { x: index * 240, y: 0 },
      selected: selected.nodes.includes(node.id),
      data: {
        node,
        nodeType,
        title: node.title ?? nodeType?.title ?? node.type,
        inputs,
        outputs,
        problems: problems.filter((problem) => problem.nodeId === node.id && !problem.edge),
      },
    };
  });

  const edges: FlowCanvasEdge[] = (flow.edges ?? []).map((edge) => {
    const from = parsePortReference(edge.from);
    const to = parsePortReference(edge.to);
    const edgeProblems = problems.filter((problem) => problem.edge && edgeId(problem.edge) === edgeId(edge));
    const type = analysed.get(from.node)?.outputTypes.get(from.port);
    const id = edgeId(edge);
    return {
      id,
      source: from.node,
      sourceHandle: from.port,
      target: to.node,
      targetHandle: to.port,
      selected: selected.edges.includes(id),
      className: edgeProblems.length ? 'edge-problem' : undefined,
      style: { stroke: edgeProblems.length ? '#d64545' : type ? portColor(type) : '#9aa4b2', strokeWidth: 2 },
      ...(edgeProblems.length ? { label: '!', ariaLabel: edgeProblems.map(formatProblem).join('\n') } : {}),
      data: { edge, problems: edgeProblems },
    };
  });
  return { nodes, edges };
}

function unique(names: string[]): string[] {
  return [...new Set(names)];
}
