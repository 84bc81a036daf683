/**
 * Running small flows through the real engine in tests, and reading their events. Kept free of vitest so that the
 * package build, which compiles everything under src, does not need it.
 */
import type { AnalyzeOptions } from '../engine/analyze.js';
import { type CompiledFlow, compileFlow, FlowValidationError } from '../engine/compile.js';
import { type RunOptions, type RunResult, runFlow } from '../engine/run-flow.js';
import { defaultRegistry } from '../node-types/index.js';
import type { PortContext } from '../node-types/node-type.js';
import type { RunEvent, RunEventType } from '../schema/events.js';
import type { Flow, FlowDefinition, FlowInput, FlowNode, FlowOutput, InlineFlow } from '../schema/flow.js';
import type { FlowProblem } from '../schema/problems.js';

export { node } from './flow-fixtures.js';

/** An edge written `['from.port', 'to.port']`. */
export type EdgeSpec = readonly [from: string, to: string];

export interface FlowSpec {
  inputs?: Record<string, FlowInput>;
  outputs?: Record<string, FlowOutput>;
  nodes: FlowNode[];
  edges?: readonly EdgeSpec[];
}

function body(spec: FlowSpec) {
  return {
    ...(spec.inputs ? { inputs: spec.inputs } : {}),
    ...(spec.outputs ? { outputs: spec.outputs } : {}),
    nodes: spec.nodes,
    edges: (spec.edges ?? []).map(([from, to]) => ({ from, to })),
  };
}

export function testFlow(spec: FlowSpec, name = 'test'): Flow {
  return { schemaVersion: 1, name, ...body(spec) };
}

/** A sub-flow for the `flow` config of a `map` or `subflow` node. */
export function inlineFlow(spec: FlowSpec): InlineFlow {
  return body(spec);
}

export function compile(flow: FlowDefinition, options: Partial<AnalyzeOptions> = {}): CompiledFlow {
  return compileFlow(flow, { registry: defaultRegistry(), ...options });
}

/** The problems compileFlow reports for a flow that must not compile. */
export function problemsOf(flow: FlowDefinition, options: Partial<AnalyzeOptions> = {}): readonly FlowProblem[] {
  try {
    compile(flow, options);
  } catch (error) {
    if (error instanceof FlowValidationError) return error.problems;
    throw error;
  }
  throw new Error('the flow compiled, but the test expects problems');
}

export interface TestRun {
  result: RunResult;
  events: RunEvent[];
}

/** Compiles (when needed) and runs a flow, recording every event. */
export async function runTestFlow(flow: Flow | CompiledFlow, options: RunOptions = {}): Promise<TestRun> {
  const compiled = 'byId' in flow ? flow : compile(flow);
  const events: RunEvent[] = [];
  const result = await runFlow(compiled, {
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  return { result, events };
}

export function eventsOfType<Type extends RunEventType>(
  events: readonly RunEvent[],
  type: Type,
): Extract<RunEvent, { type: Type }>[] {
  return events.filter((event): event is Extract<RunEvent, { type: Type }> => event.type === type);
}

/** `scope/nodeId` for nodes inside a map item or sub-flow, the node id otherwise. */
export function nodeKey(event: { nodeId: string; scope?: string }): string {
  return event.scope === undefined ? event.nodeId : `${event.scope}/${event.nodeId}`;
}

/** The skip reason of every skipped node, by nodeKey. */
export function skipReasons(events: readonly RunEvent[]): Record<string, string> {
  return Object.fromEntries(eventsOfType(events, 'node-skip').map((event) => [nodeKey(event), event.reason]));
}

/** The nodes that finished, by nodeKey, in the order they finished. */
export function finishedNodes(events: readonly RunEvent[]): string[] {
  return eventsOfType(events, 'node-end').map(nodeKey);
}

/** The outputs of the one node-end event of a node. */
export function nodeOutputs(events: readonly RunEvent[], key: string): Record<string, unknown> {
  const ends = eventsOfType(events, 'node-end').filter((event) => nodeKey(event) === key);
  if (ends.length !== 1) throw new Error(`expected one node-end event of "${key}", found ${ends.length}`);
  return ends[0]!.outputs;
}

/** What a node type's ports() sees for a flow with this interface; sub-flows resolve inline only. */
export function portContext(spec: Pick<FlowSpec, 'inputs' | 'outputs'> = {}): PortContext {
  return {
    flowInputs: spec.inputs ?? {},
    flowOutputs: spec.outputs ?? {},
    resolveFlow: (flow) => ('ref' in flow ? undefined : flow),
  };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
