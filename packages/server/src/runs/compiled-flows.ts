import { type CompiledFlow, compileFlow, type Flow, type NodeTypeRegistry } from '@groundwork/runtime';
import { currentReference, type SubflowVersions, storedFlowResolver } from '../flows/flow-references.js';
import type { FlowsRepository } from '../flows/flows.repository.js';

/** A compiled version and the stored version each of its `{ ref }` sub-flows resolved to. */
export interface CompiledVersion {
  compiled: CompiledFlow;
  subflows: SubflowVersions;
}

interface Entry extends CompiledVersion {
  /** Each `{ ref }` the flow uses and what it resolved to (`id@version`, or undefined: unknown). */
  references: Map<string, string | undefined>;
}

export const COMPILED_FLOWS_KEPT = 256;

/**
 * Compiled flow versions, kept by flow id and version: a version never changes, so it compiles once. The one thing
 * that can change under it is what a `{ ref: NAME }` sub-flow resolves to (that flow's production label or latest
 * version), so an entry is reused only while each of its references still resolves to the same stored version.
 * A replay pins its references to the versions its run recorded; such compilations are kept under their pins.
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
   * version). `pinned` fixes the versions of named references. Throws FlowValidationError listing the problems.
   */
  get(
    flowId: string,
    version: number,
    load: () => Flow | undefined,
    pinned: SubflowVersions = {},
  ): CompiledVersion | undefined {
    const pins = Object.keys(pinned).length > 0 ? ` pinned ${JSON.stringify(Object.entries(pinned).sort())}` : '';
    const key = `${flowId}@${version}${pins}`;
    const resolvedNow = (ref: string) => {
      const target = pinned[ref] ?? currentReference(this.flows, ref);
      return target && `${target.flowId}@${target.version}`;
    };
    const entry = this.entries.get(key);
    if (entry && [...entry.references].every(([ref, resolved]) => resolvedNow(ref) === resolved)) {
      // Map order doubles as recency: re-inserting marks the entry most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry;
    }
    const flow = load();
    if (!flow) return undefined;
    const resolve = storedFlowResolver(this.flows, pinned);
    const references = new Map<string, string | undefined>();
    const subflows: SubflowVersions = {};
    const compiled = compileFlow(flow, {
      registry: this.registry,
      resolveReference: (ref) => {
        if (!references.has(ref)) {
          const target = pinned[ref] ?? currentReference(this.flows, ref);
          references.set(ref, target && `${target.flowId}@${target.version}`);
          if (target) subflows[ref] = target;
        }
        return resolve(ref);
      },
    });
    const added = { compiled, subflows, references };
    this.entries.delete(key);
    this.entries.set(key, added);
    if (this.entries.size > this.kept) this.entries.delete(this.entries.keys().next().value!);
    return added;
  }
}
