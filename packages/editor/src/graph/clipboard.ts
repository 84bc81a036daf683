import {
  type Flow,
  type FlowEdge,
  type FlowInput,
  type FlowNode,
  type FlowOutput,
  parsePortReference,
} from '@groundwork/runtime/schema';
import { uniqueName } from './ids.js';

/** What Copy keeps: the nodes, the edges between them, and the declarations their input and output nodes name. */
export interface Clipboard {
  nodes: FlowNode[];
  edges: FlowEdge[];
  inputs: Record<string, FlowInput>;
  outputs: Record<string, FlowOutput>;
}

export function copyNodes(flow: Flow, nodeIds: readonly string[]): Clipboard | undefined {
  const chosen = new Set(nodeIds);
  const nodes = flow.nodes.filter((node) => chosen.has(node.id));
  if (nodes.length === 0) return undefined;
  const edges = (flow.edges ?? []).filter(
    (edge) => chosen.has(parsePortReference(edge.from).node) && chosen.has(parsePortReference(edge.to).node),
  );
  const declared = (side: 'inputs' | 'outputs', type: string) =>
    Object.fromEntries(
      nodes
        .filter((node) => node.type === type)
        .map((node) => String(node.config?.name))
        .filter((name) => flow[side]?.[name])
        .map((name) => [name, flow[side]![name]!]),
    );
  return { nodes, edges, inputs: declared('inputs', 'input'), outputs: declared('outputs', 'output') };
}

/**
 * The flow with the clipboard pasted `offset` away: nodes get fresh ids (edges follow them), and declarations the
 * pasted input/output nodes name are added when the flow lacks them. Returns the new nodes' ids to select.
 */
export function pasteNodes(
  flow: Flow,
  clipboard: Clipboard,
  offset = { x: 40, y: 40 },
): { flow: Flow; nodeIds: string[] } {
  const taken = flow.nodes.map((node) => node.id);
  const renamed = new Map<string, string>();
  for (const node of clipboard.nodes) {
    const id = uniqueName(node.id, [...taken, ...renamed.values()]);
    renamed.set(node.id, id);
  }
  const move = (reference: string) => {
    const { node, port } = parsePortReference(reference);
    return `${renamed.get(node)}.${port}`;
  };
  const nodes = clipboard.nodes.map((node) => ({
    ...node,
    id: renamed.get(node.id)!,
    position: { x: (node.position?.x ?? 0) + offset.x, y: (node.position?.y ?? 0) + offset.y },
  }));
  const inputs = { ...clipboard.inputs, ...flow.inputs };
  const outputs = { ...clipboard.outputs, ...flow.outputs };
  return {
    flow: {
      ...flow,
      ...(Object.keys(inputs).length ? { inputs } : {}),
      ...(Object.keys(outputs).length ? { outputs } : {}),
      nodes: [...flow.nodes, ...nodes],
      edges: [...(flow.edges ?? []), ...clipboard.edges.map((edge) => ({ from: move(edge.from), to: move(edge.to) }))],
    },
    nodeIds: nodes.map((node) => node.id),
  };
}
