import { type AnalysisResult, analyzeFlow } from '@groundwork/runtime/engine';
import { defaultRegistry } from '@groundwork/runtime/node-types';
import type { FlowDefinition } from '@groundwork/runtime/schema';

const cache = new WeakMap<FlowDefinition, AnalysisResult>();

/**
 * The runtime's own analysis of the flow being edited: every problem, each node's ports and output types. The same
 * checks the server runs, so the editor and the server never disagree. Cached per document (documents are never
 * mutated: every edit makes a new one).
 */
export function analysisOf(flow: FlowDefinition): AnalysisResult {
  let analysis = cache.get(flow);
  if (!analysis) {
    analysis = analyzeFlow(flow, { registry: defaultRegistry() });
    cache.set(flow, analysis);
  }
  return analysis;
}
