import type { ScorerResolver } from '../evaluators/groundedness/scorer-request.js';
import type { ModelProvider } from '../model/backend.js';
import { NodeError, type NodeResult, type SubflowRunOptions } from '../node-types/node-type.js';
import type { Retriever } from '../retrieval/types.js';
import type { RunErrorInfo, RunStatus } from '../schema/events.js';
import { coerceValue, PortTypeError } from '../schema/port-types.js';
import { type CompiledFlow, type CompiledNode, configFor } from './compile.js';
import type { EventSink } from './event-sink.js';
import { type AttemptHost, errorInfo, isRetryable, NodeAttempt, retryDelay } from './node-attempt.js';
import { NodeEvents } from './node-events.js';
import { prepareInputs, RunRequestError } from './run-request.js';
import { RunState } from './run-state.js';
import { nodeSeed } from './seeds.js';
import { sliceUsedUp, yieldTurn } from './time-slice.js';

export interface FlowRunOptions {
  sink: EventSink;
  inputs: Record<string, unknown>;
  variants: Readonly<Record<string, string>>;
  models: ModelProvider | undefined;
  scorers: ScorerResolver | undefined;
  retriever: Retriever | undefined;
  concurrency: number;
  signal: AbortSignal | undefined;
  /** Set on sub-runs: names them in events. */
  scope: string | undefined;
  /** The run's seed, from which every node's seed is derived (see nodeSeed). */
  seed: number;
}

export interface FlowRunOutcome {
  status: RunStatus;
  outputs: Record<string, unknown>;
  error?: RunErrorInfo;
  /** For a failed run: whether the failure could go away on another try (a sub-flow's node retries by it). */
  retryable?: boolean;
}

const EMPTY_INPUTS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * How a flow runs: starts each node as soon as the run state says it is ready, up to `concurrency` at once; runs
 * synchronous results in a loop rather than through promises; applies timeouts and retries to asynchronous work;
 * stops everything in flight when the run is cancelled or a node fails for good.
 */
export class FlowRun implements AttemptHost {
  readonly outputs: Record<string, unknown> = {};
  stopReason: unknown;
  private readonly state: RunState;
  private readonly events: NodeEvents;
  private readonly queue: number[] = [];
  private head = 0;
  private running = 0;
  private pumping = false;
  private waitingForTurn = false;
  /** Asynchronous attempts and retry waits not yet settled: what a stop must abort. */
  private readonly inFlight = new Set<NodeAttempt>();
  private resolve!: (outcome: FlowRunOutcome) => void;

  constructor(
    private readonly flow: CompiledFlow,
    private readonly options: FlowRunOptions,
  ) {
    this.state = new RunState(flow);
    this.events = new NodeEvents(options.sink, options.scope);
  }

  get flowInputs(): Readonly<Record<string, unknown>> {
    return this.options.inputs;
  }

  get models(): ModelProvider | undefined {
    return this.options.models;
  }

  get scorers(): ScorerResolver | undefined {
    return this.options.scorers;
  }

  get retriever(): Retriever | undefined {
    return this.options.retriever;
  }

  seedFor(nodeId: string): number {
    return nodeSeed(this.options.seed, this.options.scope, nodeId);
  }

  run(): Promise<FlowRunOutcome> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      const { signal } = this.options;
      if (signal?.aborted) return this.cancel();
      signal?.addEventListener('abort', this.cancel, { once: true });
      for (const index of this.state.start()) this.queue.push(index);
      this.pump();
    });
  }

  private readonly cancel = (): void => {
    this.finish('cancelled', { code: 'cancelled', message: 'the run was cancelled' });
  };

  private pump(): void {
    if (this.pumping || this.waitingForTurn) return;
    this.pumping = true;
    while (this.stopReason === undefined && this.head < this.queue.length && this.running < this.options.concurrency) {
      if (sliceUsedUp()) {
        this.waitingForTurn = true;
        yieldTurn(() => {
          this.waitingForTurn = false;
          this.pump();
        });
        break;
      }
      this.startNode(this.flow.nodes[this.queue[this.head++]!]!);
    }
    this.pumping = false;
    const idle = !this.waitingForTurn && this.running === 0 && this.head === this.queue.length;
    if (this.stopReason === undefined && idle) this.finish('succeeded');
  }

  private startNode(node: CompiledNode): void {
    this.running++;
    const variant = node.defaultVariant === undefined ? undefined : this.options.variants[node.id];
    try {
      this.attempt(node, variant, this.nodeInputs(node), 1);
    } catch (error) {
      if (!(error instanceof PortTypeError)) throw error;
      const failure = new NodeError('input-type', error.message, { retryable: false });
      this.attempt(node, variant, EMPTY_INPUTS, 1, failure);
    }
  }

  /** The node's input values, converted where an edge needs it (see port-types.ts). */
  private nodeInputs(node: CompiledNode): Record<string, unknown> {
    const raw = this.state.values[node.index] ?? EMPTY_INPUTS;
    let converted: Record<string, unknown> | undefined;
    for (const edge of node.incoming) {
      if (edge.coercion === 'none' || !(edge.toPort in raw)) continue;
      converted ??= { ...raw };
      try {
        converted[edge.toPort] = coerceValue(raw[edge.toPort], edge.coercion, edge.toType, edge.fromType);
      } catch (error) {
        const source = `${this.flow.nodes[edge.from]!.id}.${edge.fromPort}`;
        throw new PortTypeError(`input "${edge.toPort}" (from ${source}): ${(error as Error).message}`);
      }
    }
    return converted ?? raw;
  }

  /** Runs one attempt; a `failure` known in advance (bad inputs) fails it without running the node. */
  private attempt(
    node: CompiledNode,
    variant: string | undefined,
    inputs: Record<string, unknown>,
    number: number,
    failure?: NodeError,
  ): void {
    const attempt = new NodeAttempt(this, node, configFor(node, variant), variant, inputs, number, performance.now());
    this.events.start(attempt);
    let result: NodeResult | Promise<NodeResult>;
    try {
      if (failure) throw failure;
      result = node.nodeType.execute(inputs, attempt);
    } catch (error) {
      this.attemptFailed(attempt, error);
      return;
    }
    if (!(result instanceof Promise)) {
      this.attemptDone(attempt, result);
      return;
    }
    this.inFlight.add(attempt);
    const { timeoutMs } = node;
    if (timeoutMs !== undefined) {
      attempt.timer = setTimeout(() => {
        const error = new NodeError('timeout', `node "${node.id}" did not finish within ${timeoutMs} ms`);
        this.attemptFailed(attempt, error);
      }, timeoutMs);
    }
    result.then(
      (value) => this.attemptDone(attempt, value),
      (error: unknown) => this.attemptFailed(attempt, error),
    );
  }

  private attemptDone(attempt: NodeAttempt, result: NodeResult): void {
    if (!this.settle(attempt)) return;
    this.running--;
    this.events.end(attempt, result);
    const settlement = this.state.complete(attempt.node.index, result.outputs);
    for (const skip of settlement.skipped) this.events.skip(this.flow.nodes[skip.index]!.id, skip.reason);
    for (const index of settlement.ready) this.queue.push(index);
    this.pump();
  }

  private attemptFailed(attempt: NodeAttempt, error: unknown): void {
    if (!this.settle(attempt)) return;
    // Stop what the failed attempt may still have going (a timed-out call, a map's other items) first.
    attempt.abort(error);
    const { node } = attempt;
    const info = errorInfo(error);
    const retryable = isRetryable(error);
    const willRetry = retryable && attempt.attempt < (node.retry?.maxAttempts ?? 1);
    this.events.error(attempt, info, willRetry);
    if (willRetry) {
      this.retryLater(attempt);
      return;
    }
    this.running--;
    this.state.fail(node.index);
    this.finish(
      'failed',
      { ...info, nodeId: node.id, ...(this.options.scope ? { scope: this.options.scope } : {}) },
      retryable,
    );
  }

  private retryLater(failed: NodeAttempt): void {
    const { node, variant, inputs } = failed;
    // The backoff wait stands in flight as an attempt of its own, so stopping the run also ends the wait.
    const wait = new NodeAttempt(this, node, failed.config, variant, inputs, failed.attempt, failed.startedAt);
    this.inFlight.add(wait);
    wait.timer = setTimeout(
      () => {
        if (this.settle(wait)) this.attempt(node, variant, inputs, failed.attempt + 1);
      },
      retryDelay(node.retry!, failed.attempt),
    );
  }

  /** Marks an attempt settled; false when it already was, or the run has stopped (its result then counts for nothing). */
  private settle(attempt: NodeAttempt): boolean {
    if (attempt.settled || this.stopReason !== undefined) return false;
    attempt.settled = true;
    if (attempt.timer !== undefined) clearTimeout(attempt.timer);
    this.inFlight.delete(attempt);
    return true;
  }

  private finish(status: RunStatus, error?: RunErrorInfo, retryable = false): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = error ? new NodeError(error.code, error.message, { retryable: false }) : 'finished';
    this.options.signal?.removeEventListener('abort', this.cancel);
    // What is still in flight belongs to other nodes than a failed one (that one has settled): it stops unfinished.
    const message = status === 'cancelled' ? 'the run was cancelled' : 'stopped: another node failed';
    for (const attempt of this.inFlight) {
      attempt.settled = true;
      attempt.abort(this.stopReason);
      this.events.error(attempt, { code: 'cancelled', message }, false);
    }
    this.inFlight.clear();
    this.resolve({
      status,
      outputs: this.outputs,
      ...(error ? { error } : {}),
      ...(status === 'failed' ? { retryable } : {}),
    });
  }

  emitToken(attempt: NodeAttempt, text: string): void {
    this.events.token(attempt, text);
  }

  setFlowOutput(name: string, value: unknown): void {
    this.outputs[name] = value;
  }

  async runSubflow(
    attempt: NodeAttempt,
    inputs: Record<string, unknown>,
    options: SubflowRunOptions,
  ): Promise<Record<string, unknown>> {
    const { node } = attempt;
    if (!node.subflow) throw new NodeError('no-subflow', `node "${node.id}" has no sub-flow`, { retryable: false });
    const item = options.item === undefined ? '' : `[${options.item}]`;
    const scope = `${this.options.scope ? `${this.options.scope}/` : ''}${node.id}${item}`;
    let values: Record<string, unknown>;
    try {
      values = prepareInputs(node.subflow, inputs);
    } catch (error) {
      if (!(error instanceof RunRequestError)) throw error;
      throw new NodeError('invalid-inputs', `${scope}: ${error.message}`, { retryable: false });
    }
    const child = new FlowRun(node.subflow, {
      ...this.options,
      inputs: values,
      variants: {},
      signal: attempt.signal,
      scope,
    });
    const outcome = await child.run();
    if (outcome.status === 'succeeded') return outcome.outputs;
    const failure = outcome.error ?? { code: 'failed', message: 'the sub-flow failed' };
    throw new NodeError(failure.code, `${failure.scope ?? scope}: ${failure.message}`, {
      retryable: outcome.retryable ?? false,
    });
  }
}
