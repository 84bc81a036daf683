import { type ChangeSummary, diffFlows, type Flow, summarizeDiff } from '@groundwork/runtime';
import type { FlowsRepository } from './flows.repository.js';

/** Change summaries kept in memory; a summary is a few short lines, so this is a few megabytes at most. */
export const CHANGE_SUMMARIES_KEPT = 10_000;

/**
 * What changed in each version of a flow, from the version before it (`[]` for version 1): the lines a history lists
 * under each version. Versions never change, so a summary is computed once per (flow, version) and kept, the least
 * recently used going first; listing a long history again diffs nothing.
 */
export class VersionHistory {
  private readonly summaries = new Map<string, ChangeSummary[]>();

  constructor(
    private readonly flows: Pick<FlowsRepository, 'version'>,
    private readonly kept = CHANGE_SUMMARIES_KEPT,
  ) {}

  /** The changes of each of `versions` (stored versions of the flow), by version number. */
  changes(flowId: string, versions: readonly number[]): Map<number, ChangeSummary[]> {
    const result = new Map<number, ChangeSummary[]>();
    const missing: number[] = [];
    for (const version of versions) {
      const cached = this.summaries.get(key(flowId, version));
      if (cached) {
        this.remember(key(flowId, version), cached);
        result.set(version, cached);
      } else {
        missing.push(version);
      }
    }
    // In ascending order each document is read once: a version's document is the next one's "before".
    let previous: { version: number; flow: Flow } | undefined;
    for (const version of missing.sort((a, b) => a - b)) {
      let summary: ChangeSummary[] = [];
      const current = { version, flow: this.document(flowId, version) };
      if (version > 1) {
        const before = previous?.version === version - 1 ? previous.flow : this.document(flowId, version - 1);
        summary = summarizeDiff(diffFlows(before, current.flow));
      }
      previous = current;
      this.remember(key(flowId, version), summary);
      result.set(version, summary);
    }
    return result;
  }

  /** Drops what is kept for a flow (deleted: its versions will not be asked for again). */
  forget(flowId: string): void {
    const prefix = `${flowId}@`;
    for (const stored of this.summaries.keys()) {
      if (stored.startsWith(prefix)) this.summaries.delete(stored);
    }
  }

  private document(flowId: string, version: number): Flow {
    const stored = this.flows.version(flowId, version);
    if (!stored) throw new Error(`flow ${flowId} has no version ${version} to compare with`);
    return stored.flow;
  }

  private remember(stored: string, summary: ChangeSummary[]): void {
    // Map order doubles as recency: re-inserting marks the entry most recently used.
    this.summaries.delete(stored);
    this.summaries.set(stored, summary);
    if (this.summaries.size > this.kept) this.summaries.delete(this.summaries.keys().next().value!);
  }
}

const key = (flowId: string, version: number) => `${flowId}@${version}`;
