import { defaultRegistry } from '../node-types/index.js';
import type { FlowDefinition } from '../schema/flow.js';
import { loadFlowYaml } from '../schema/flow-yaml.js';
import type { FlowProblem } from '../schema/problems.js';
import { type AnalyzeOptions, analyzeFlow } from './analyze.js';

/** Every problem of a parsed flow (graph, types, configs, sub-flows); empty when it can run. */
export function validateFlow(flow: FlowDefinition, options: Partial<AnalyzeOptions> = {}): FlowProblem[] {
  return analyzeFlow(flow, { ...options, registry: options.registry ?? defaultRegistry() }).problems;
}

/** Every problem of a flow file's text, from YAML syntax to graph checks. */
export function validateFlowYaml(text: string, options: Partial<AnalyzeOptions> = {}): FlowProblem[] {
  const loaded = loadFlowYaml(text);
  return loaded.ok ? validateFlow(loaded.flow, options) : loaded.problems;
}
