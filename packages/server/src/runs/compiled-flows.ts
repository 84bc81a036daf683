import { type CompiledFlow, compileFlow, type Flow, type NodeTypeRegistry } from '@groundwork/runtime';
import { storedFlowResolver } from '../flows/flow-references.js';
import type { FlowsRepository } from '../flows/flows.repository.js';

interface Entry {
  compiled: CompiledFlow;
  /** Each `{ ref }` the flow uses and the stored version it resolved to (`id@version`, or undefined: unknown). */
  references: Map<string, string | undefined>;
}

export const COMPILED_FLOWS_KEPT = 256;

/**
 * Compiled flow versions, kept by flow id and version: a version never changes, so it compiles once. The one thing
 * that can change under it is what a `{ ref: NAME }` sub-flow resolves to (that flow's production label or latest
 * version), so an entry is reused only while each of its references still resolves to the same stored version.
 */
export class CompiledFlows {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly flows: FlowsRepository,
    private readonly registry: NodeTypeRegistry,
    private readonly kept = COMPILED_FLOWS_KEPT,
  ) {}

  /**
   * The compiled version; `load` reads its document, only when it is not compiled yet (undefined: no such
   * version). Throws FlowValidationError listing the version's problems.
   */
  get(flowId: string, version: number, load: () => Flow | undefined): CompiledFlow | undefined {
    const key = `${flowId}@${version}`;
    const entry = this.entries.get(key);
    if (entry && [...entry.references].every(([ref, resolved]) => this.resolvedVersion(ref) === resolved)) {
      // Map order doubles as recency: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.compiled;
    }
    const flow = load();
    if (!flow) return undefined;
    const resolve = storedFlowResolver(this.flows);
    const references = new Map<string, string | undefined>();
    const compiled = compileFlow(flow, {
      registry: this.registry,
      resolveReference: (ref) => {
        if (!references.has(ref)) references.set(ref, this.resolvedVersion(ref));
        return resolve(ref);
      },
    });
    this.entries.delete(key);
    this.entries.set(key, { compiled, references });
    if (this.entries.size > this.kept) this.entries.delete(this.entries.keys().next().value!);
    return compiled;
  }

  /** What storedFlowResolver picks for a reference: the production label, else the latest version. */
  private resolvedVersion(ref: string): string | undefined {
    const summary = this.flows.find(ref);
    return summary && `${summary.id}@${summary.labels.production ?? summary.latestVersion}`;
  }
}
