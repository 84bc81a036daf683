import type { FlowDefinition } from '@groundwork/runtime';
import type { FlowsRepository } from './flows.repository.js';
import { PUBLISHED_LABEL } from './version-ref.js';

/** The stored version a `{ ref: NAME }` sub-flow ran with, per reference name: what a run records to be replayed. */
export type SubflowVersions = Record<string, { flowId: string; version: number }>;

/** What a reference resolves to now: the referenced flow's `production` version, else its latest (undefined: none). */
export function currentReference(
  flows: Pick<FlowsRepository, 'find'>,
  ref: string,
): { flowId: string; version: number } | undefined {
  const summary = flows.find(ref);
  return summary && { flowId: summary.id, version: summary.labels[PUBLISHED_LABEL] ?? summary.latestVersion };
}

/**
 * Resolves `{ ref: NAME }` sub-flows against the stored flows: the version labelled `production`, else the latest,
 * unless `pinned` names the version to use (a replay runs the sub-flow versions its run recorded). One resolver serves
 * one validation or compilation and returns the same object for the same name, which is how a reference cycle is
 * recognised.
 */
export function storedFlowResolver(
  flows: FlowsRepository,
  pinned: SubflowVersions = {},
): (ref: string) => FlowDefinition | undefined {
  const resolved = new Map<string, FlowDefinition | undefined>();
  return (ref) => {
    if (!resolved.has(ref)) {
      const target = pinned[ref] ?? currentReference(flows, ref);
      resolved.set(ref, target && flows.version(target.flowId, target.version)?.flow);
    }
    return resolved.get(ref);
  };
}
