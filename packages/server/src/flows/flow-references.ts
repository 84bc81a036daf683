import type { FlowDefinition } from '@groundwork/runtime';
import type { FlowsRepository } from './flows.repository.js';

/**
 * Resolves `{ ref: NAME }` sub-flows against the stored flows: the version labelled `production`, else the latest.
 * One resolver serves one validation or compilation and returns the same object for the same name, which is how a
 * reference cycle is recognised.
 */
export function storedFlowResolver(flows: FlowsRepository): (ref: string) => FlowDefinition | undefined {
  const resolved = new Map<string, FlowDefinition | undefined>();
  return (ref) => {
    if (!resolved.has(ref)) {
      const summary = flows.find(ref);
      const version = summary && (summary.labels.production ?? summary.latestVersion);
      resolved.set(ref, version === undefined ? undefined : flows.version(summary!.id, version)?.flow);
    }
    return resolved.get(ref);
  };
}
