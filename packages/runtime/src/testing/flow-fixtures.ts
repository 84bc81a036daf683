/** Small builders for flows in tests: nodes, edges written as arrows, whole flows. */
import type { Flow, FlowEdge, FlowInput, FlowNode, FlowOutput, InlineFlow } from '../schema/flow.js';
import type { FlowProblem } from '../schema/problems.js';

export interface FlowParts {
  name?: string;
  description?: string;
  inputs?: Record<string, FlowInput>;
  outputs?: Record<string, FlowOutput>;
  nodes: FlowNode[];
  edges?: FlowEdge[];
}

/** A top-level flow of the current schema version; keys in the order the loader gives them back. */
export function makeFlow(parts: FlowParts): Flow {
  const flow: Flow = { schemaVersion: 1, name: parts.name ?? 'test-flow', nodes: parts.nodes };
  if (parts.description !== undefined) flow.description = parts.description;
  if (parts.inputs !== undefined) flow.inputs = parts.inputs;
  if (parts.outputs !== undefined) flow.outputs = parts.outputs;
  if (parts.edges !== undefined) flow.edges = parts.edges;
  return flow;
}

/** An inline sub-flow, as a `map` or `subflow` config holds it, keys in the schema's order. */
export function makeInlineFlow(parts: Omit<FlowParts, 'name'>): InlineFlow {
  return {
    ...(parts.description !== undefined ? { description: parts.description } : {}),
    ...(parts.inputs !== undefined ? { inputs: parts.inputs } : {}),
    ...(parts.outputs !== undefined ? { outputs: parts.outputs } : {}),
    nodes: parts.nodes,
    ...(parts.edges !== undefined ? { edges: parts.edges } : {}),
  };
}

export function node(
  id: string,
  type: string,
  config?: Record<string, unknown>,
  extra: Partial<FlowNode> = {},
): FlowNode {
  return { id, type, ...(config ? { config } : {}), ...extra };
}

export const inputNode = (id: string, name: string): FlowNode => node(id, 'input', { name });
export const outputNode = (id: string, name: string): FlowNode => node(id, 'output', { name });
export const promptNode = (id: string, template: string): FlowNode => node(id, 'prompt', { template });
export const llmNode = (id: string, config: Record<string, unknown> = {}): FlowNode => node(id, 'llm', config);
export const transformNode = (id: string, expression: string, type?: string): FlowNode =>
  node(id, 'transform', type === undefined ? { expression } : { expression, type });
export const mergeNode = (id: string, ports?: string[]): FlowNode => node(id, 'merge', ports ? { ports } : undefined);
export const collectNode = (id: string, ports?: string[]): FlowNode =>
  node(id, 'collect', ports ? { ports } : undefined);

/** Edges written as arrows, e.g. `wire('q.value -> p.question', 'p.prompt -> l.prompt')`. */
export function wire(...arrows: string[]): FlowEdge[] {
  return arrows.map((arrow) => {
    const [from, to, ...rest] = arrow.split('->').map((part) => part.trim());
    if (!from || !to || rest.length > 0) throw new Error(`an edge is written "node.port -> node.port", got "${arrow}"`);
    return { from, to };
  });
}

/** The problems' codes, sorted, to compare as a multiset. */
export function codesOf(problems: readonly FlowProblem[]): string[] {
  return problems.map((problem) => problem.code).sort();
}

/** A question → prompt → llm → answer flow that validates; each call gives a fresh one for a test to break. */
export function questionAnswerFlow(): Flow {
  return makeFlow({
    name: 'question-answer',
    inputs: { question: { type: 'text' } },
    outputs: { answer: { type: 'text' } },
    nodes: [
      inputNode('question', 'question'),
      promptNode('prompt', 'Answer briefly: {{ question }}'),
      llmNode('llm'),
      outputNode('answer', 'answer'),
    ],
    edges: wire('question.value -> prompt.question', 'prompt.prompt -> llm.prompt', 'llm.text -> answer.value'),
  });
}
