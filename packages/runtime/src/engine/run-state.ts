import type { CompiledEdge, CompiledFlow } from './compile.js';

/**
 * What can run: the pure bookkeeping of one run, apart from how nodes are run (flow-run.ts). It counts the edges
 * still unsettled into each node, keeps the values that arrived, and decides, when a node's last edge settles,
 * whether it is ready or skipped. No I/O, no time, no promises: tests drive it step by step.
 *
 * An edge settles active (its source produced the port) or inactive (the source was skipped, or chose another
 * branch). A node with join `all` is skipped when a required input is inactive or when every input is; a node with
 * join `any` (merge, collect) runs when at least one input is active.
 */

export const WAITING = 0;
export const READY = 1;
export const DONE = 2;
export const SKIPPED = 3;
export const FAILED = 4;

export interface Skip {
  index: number;
  reason: string;
}

export interface Settlement {
  ready: number[];
  skipped: Skip[];
}

export class RunState {
  /** Per node: WAITING, READY, DONE, SKIPPED or FAILED. */
  readonly status: Uint8Array;
  /** Per node: the values of its active inputs by port, once any arrived. */
  readonly values: (Record<string, unknown> | undefined)[];
  private readonly pending: Int32Array;
  private readonly active: Int32Array;
  /** Per node: the first edge that needed a value and settled without one. */
  private readonly blockedBy: (CompiledEdge | undefined)[];

  constructor(private readonly flow: CompiledFlow) {
    const count = flow.nodes.length;
    this.status = new Uint8Array(count);
    this.values = new Array(count);
    this.pending = new Int32Array(count);
    this.active = new Int32Array(count);
    this.blockedBy = new Array(count);
    for (let i = 0; i < count; i++) this.pending[i] = flow.nodes[i]!.incoming.length;
  }

  /** The nodes that can run when the run starts. */
  start(): number[] {
    for (const root of this.flow.roots) this.status[root] = READY;
    return [...this.flow.roots];
  }

  /** A node finished: settles its outgoing edges with its outputs (a port left out is inactive). */
  complete(index: number, outputs: Readonly<Record<string, unknown>>): Settlement {
    this.status[index] = DONE;
    const settlement: Settlement = { ready: [], skipped: [] };
    const edges = this.flow.nodes[index]!.outgoing;
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i]!;
      this.settle(edge, outputs[edge.fromPort], settlement);
    }
    // A skipped node settles its own outgoing edges inactive, which may skip more nodes: a worklist, not
    // recursion, so a long branch not taken cannot overflow the stack.
    for (let k = 0; k < settlement.skipped.length; k++) {
      for (const edge of this.flow.nodes[settlement.skipped[k]!.index]!.outgoing)
        this.settle(edge, undefined, settlement);
    }
    return settlement;
  }

  fail(index: number): void {
    this.status[index] = FAILED;
  }

  private settle(edge: CompiledEdge, value: unknown, settlement: Settlement): void {
    const to = edge.to;
    if (value !== undefined) {
      this.active[to]!++;
      const values = this.values[to];
      if (values) values[edge.toPort] = value;
      else this.values[to] = { [edge.toPort]: value };
    } else if (edge.needsValue && !this.blockedBy[to]) {
      this.blockedBy[to] = edge;
    }
    if (--this.pending[to]! === 0) this.decide(to, settlement);
  }

  private decide(index: number, settlement: Settlement): void {
    const node = this.flow.nodes[index]!;
    const reason =
      node.join === 'any'
        ? this.active[index] === 0
          ? 'none of its inputs has a value'
          : undefined
        : this.blockedBy[index]
          ? this.inactiveReason(this.blockedBy[index]!)
          : node.incoming.length > 0 && this.active[index] === 0
            ? 'none of its inputs has a value'
            : undefined;
    if (reason === undefined) {
      this.status[index] = READY;
      settlement.ready.push(index);
    } else {
      this.status[index] = SKIPPED;
      settlement.skipped.push({ index, reason });
    }
  }

  private inactiveReason(edge: CompiledEdge): string {
    const source = this.flow.nodes[edge.from]!;
    const why =
      this.status[edge.from] === SKIPPED
        ? `"${source.id}" was skipped`
        : `${source.id}.${edge.fromPort} ${source.nodeType.branching ? 'was not taken' : 'gave no value'}`;
    return `input "${edge.toPort}" has no value: ${why}`;
  }
}
