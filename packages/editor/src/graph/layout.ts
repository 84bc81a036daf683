import dagre from '@dagrejs/dagre';
import { type Flow, type Position, parsePortReference } from '@groundwork/runtime/schema';

export interface Size {
  width: number;
  height: number;
}

/** Room for a node not drawn yet: the canvas draws one row per port under a header and a preview line. */
export function estimatedSize(portRows: number): Size {
  return { width: 240, height: 72 + 24 * Math.max(1, portRows) };
}

/**
 * Positions for every node, left to right along the edges (dagre), keeping the graph's top-left corner where it was.
 * `sizes` gives each node's size (as drawn, or estimated); a node without one gets the estimate for one port row.
 */
export function layoutPositions(flow: Flow, sizes: ReadonlyMap<string, Size>): Record<string, Position> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 80 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of flow.nodes) graph.setNode(node.id, { ...(sizes.get(node.id) ?? estimatedSize(1)) });
  for (const edge of flow.edges ?? []) {
    const from = parsePortReference(edge.from).node;
    const to = parsePortReference(edge.to).node;
    if (graph.hasNode(from) && graph.hasNode(to)) graph.setEdge(from, to);
  }
  dagre.layout(graph);
  const origin = {
    x: Math.min(...flow.nodes.map((node) => node.position?.x ?? 0)),
    y: Math.min(...flow.nodes.map((node) => node.position?.y ?? 0)),
  };
  const laid = flow.nodes.map((node) => ({ id: node.id, ...graph.node(node.id) }));
  const left = Math.min(...laid.map((node) => node.x - node.width / 2));
  const top = Math.min(...laid.map((node) => node.y - node.height / 2));
  return Object.fromEntries(
    laid.map((node) => [
      node.id,
      {
        x: Math.round(node.x - node.width / 2 - left + (Number.isFinite(origin.x) ? origin.x : 0)),
        y: Math.round(node.y - node.height / 2 - top + (Number.isFinite(origin.y) ? origin.y : 0)),
      },
    ]),
  );
}
