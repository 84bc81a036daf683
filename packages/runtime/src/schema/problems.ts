import type { FlowEdge } from './flow.js';

/** Every kind of problem validation can report; clients may switch on `code`. */
export type ProblemCode =
  | 'yaml-syntax'
  | 'schema'
  | 'unsupported-version'
  | 'unknown-node-type'
  | 'duplicate-id'
  | 'invalid-config'
  | 'invalid-variant'
  | 'dangling-edge'
  | 'duplicate-edge'
  | 'cycle'
  | 'missing-input'
  | 'type-mismatch'
  | 'unknown-flow-input'
  | 'unknown-flow-output'
  | 'missing-flow-output'
  | 'duplicate-flow-output'
  | 'unknown-flow-reference'
  | 'recursive-flow';

export type ProblemPath = readonly (string | number)[];

export interface FlowProblem {
  code: ProblemCode;
  /** What is wrong, in plain words, without the location (see `formatProblem`). */
  message: string;
  /** Where in the flow document, e.g. ['nodes', 2, 'config', 'template']. */
  path: ProblemPath;
  /** The node the problem concerns, when there is one (the editor marks it). */
  nodeId?: string;
  /** The edge the problem concerns, when there is one. */
  edge?: FlowEdge;
}

export function formatPath(path: ProblemPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text ? `.${part}` : part;
  }
  return text || '(flow)';
}

/** One line naming the node or edge and the field, e.g. `node "ask" (nodes[2].config.template): ...`. */
export function formatProblem(problem: FlowProblem): string {
  const path = formatPath(problem.path);
  if (problem.edge) return `edge ${problem.edge.from} -> ${problem.edge.to} (${path}): ${problem.message}`;
  if (problem.nodeId !== undefined) return `node "${problem.nodeId}" (${path}): ${problem.message}`;
  return `${path}: ${problem.message}`;
}
