import {
  type Flow,
  type FlowInput,
  type FlowOutput,
  IDENTIFIER_PATTERN,
  parsePortReference,
} from '@groundwork/runtime/schema';
import { uniqueName } from '../graph/ids.js';

const IDENTIFIER_RULE = 'starts with a letter or _ and has only letters, digits, _ and -';

/** Why `next` cannot be the new id of node `current`, or undefined when it can. */
export function nodeIdProblem(flow: Flow, current: string, next: string): string | undefined {
  if (!IDENTIFIER_PATTERN.test(next)) return `an id ${IDENTIFIER_RULE}`;
  if (next !== current && flow.nodes.some((node) => node.id === next)) return `another node is called "${next}"`;
  return undefined;
}

/** The flow with node `from` called `to`; the edges that name it follow. */
export function renameNode(flow: Flow, from: string, to: string): Flow {
  if (from === to) return flow;
  const rename = (reference: string) => {
    const end = parsePortReference(reference);
    return end.node === from ? `${to}.${end.port}` : reference;
  };
  return {
    ...flow,
    nodes: flow.nodes.map((node) => (node.id === from ? { ...node, id: to } : node)),
    ...(flow.edges ? { edges: flow.edges.map((edge) => ({ from: rename(edge.from), to: rename(edge.to) })) } : {}),
  };
}

export type InterfaceSide = 'inputs' | 'outputs';

type Declaration<S extends InterfaceSide> = S extends 'inputs' ? FlowInput : FlowOutput;

/** The node type that brings a declaration of this side into the graph. */
const NODE_TYPE: Record<InterfaceSide, string> = { inputs: 'input', outputs: 'output' };

/** Why `next` cannot be the new name of the flow input/output `current`, or undefined when it can. */
export function interfaceNameProblem(
  flow: Flow,
  side: InterfaceSide,
  current: string,
  next: string,
): string | undefined {
  if (!IDENTIFIER_PATTERN.test(next)) return `a name ${IDENTIFIER_RULE}`;
  if (next !== current && flow[side]?.[next]) return `"${next}" is already declared`;
  return undefined;
}

/**
 * The flow with input/output `from` called `to`, in the same place of the declaration order; the input/output
 * nodes that name it follow, so renaming never breaks the graph.
 */
export function renameDeclaration(flow: Flow, side: InterfaceSide, from: string, to: string): Flow {
  const declared = flow[side] ?? {};
  if (from === to || !(from in declared) || to in declared) return flow;
  const renamed = Object.fromEntries(
    Object.entries(declared).map(([name, value]) => [name === from ? to : name, value]),
  );
  return {
    ...flow,
    [side]: renamed,
    nodes: flow.nodes.map((node) =>
      node.type === NODE_TYPE[side] && node.config?.name === from
        ? { ...node, config: { ...node.config, name: to } }
        : node,
    ),
  };
}

export function updateDeclaration<S extends InterfaceSide>(
  flow: Flow,
  side: S,
  name: string,
  recipe: (declaration: Declaration<S>) => Declaration<S>,
): Flow {
  const declared = (flow[side] ?? {}) as Record<string, Declaration<S>>;
  const current = declared[name];
  if (!current) return flow;
  return { ...flow, [side]: { ...declared, [name]: recipe(current) } };
}

/** The flow with a new text input/output under a fresh name. */
export function addDeclaration(flow: Flow, side: InterfaceSide): { flow: Flow; name: string } {
  const declared = flow[side] ?? {};
  const name = uniqueName(NODE_TYPE[side], Object.keys(declared));
  return { flow: { ...flow, [side]: { ...declared, [name]: { type: 'text' } } }, name };
}

/** The flow without input/output `name`; nodes naming it stay and show the problem, so nothing is lost silently. */
export function deleteDeclaration(flow: Flow, side: InterfaceSide, name: string): Flow {
  const { [name]: _removed, ...rest } = flow[side] ?? {};
  const { [side]: _side, ...others } = flow;
  return Object.keys(rest).length > 0 ? { ...others, [side]: rest } : (others as Flow);
}

/** A copy of `record` without the keys whose value is undefined or an empty string. */
export function withoutEmpty<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined && value !== '')) as T;
}
