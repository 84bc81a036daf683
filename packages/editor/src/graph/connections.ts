import { checkConnection, type Flow, formatPortType, parsePortReference } from '@groundwork/runtime/schema';
import { analysisOf } from './analysis.js';

export type ConnectionVerdict = { ok: true } | { ok: false; reason: string };

export interface ProposedConnection {
  source: string;
  sourceHandle: string;
  target: string;
  targetHandle: string;
}

/**
 * Whether a new edge may be drawn, and why not: the runtime's port type check (the one validation uses), one edge per
 * input, and no cycle. The canvas refuses the drag with the reason.
 */
export function checkNewConnection(flow: Flow, proposed: ProposedConnection): ConnectionVerdict {
  const { source, sourceHandle, target, targetHandle } = proposed;
  if (source === target) return { ok: false, reason: 'a node cannot feed itself' };
  const analysis = analysisOf(flow);
  const from = analysis.analysis.nodes.find((node) => node.node.id === source);
  const to = analysis.analysis.nodes.find((node) => node.node.id === target);
  if (!from || !to) return { ok: false, reason: 'fix the node’s problems before connecting it' };
  const fromType = from.outputTypes.get(sourceHandle);
  const input = to.ports.inputs.find((port) => port.name === targetHandle);
  if (!fromType || !input)
    return { ok: false, reason: `no such port ${source}.${sourceHandle} → ${target}.${targetHandle}` };
  const taken = (flow.edges ?? []).find((edge) => edge.to === `${target}.${targetHandle}`);
  if (taken)
    return {
      ok: false,
      reason: `${target}.${targetHandle} already takes ${taken.from}; an input takes one edge (use a merge or collect node)`,
    };
  const check = checkConnection(fromType, input.type);
  if (!check.ok) {
    return {
      ok: false,
      reason: `${source}.${sourceHandle} gives ${formatPortType(fromType)}, but ${target}.${targetHandle} takes ${formatPortType(input.type)}`,
    };
  }
  const path = pathBetween(flow, target, source);
  if (path) return { ok: false, reason: `that would make a cycle: ${[source, ...path].join(' → ')}` };
  return { ok: true };
}

/** The nodes on a path of edges from `from` to `to` (both included), or undefined. */
function pathBetween(flow: Flow, from: string, to: string): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const edge of flow.edges ?? []) {
    const a = parsePortReference(edge.from).node;
    next.set(a, [...(next.get(a) ?? []), parsePortReference(edge.to).node]);
  }
  const previous = new Map<string, string>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const node = queue.shift()!;
    if (node === to) {
      const path = [to];
      for (let at = to; at !== from; ) {
        at = previous.get(at)!;
        path.unshift(at);
      }
      return path;
    }
    for (const target of next.get(node) ?? []) {
      if (seen.has(target)) continue;
      seen.add(target);
      previous.set(target, node);
      queue.push(target);
    }
  }
  return undefined;
}
