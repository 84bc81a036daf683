import type { ModelProvider } from '../model/backend.js';
import { NodeError, type NodeResult, type SubflowRunOptions } from '../node-types/node-type.js';
import type { RunErrorInfo, RunStatus } from '../schema/events.js';
import { coerceValue, PortTypeError } from '../schema/port-types.js';
import { type CompiledFlow, type CompiledNode, configFor } from './compile.js';
import type { EventSink } from './event-sink.js';
import { type AttemptHost, NodeAttempt } from './node-attempt.js';
import { prepareInputs, RunRequestError } from './run-request.js';
import { RunState, type Settlement } from './run-state.js';

export interface FlowRunOptions {
  sink: EventSink;
  inputs: Record<string, unknown>;
  variants: Readonly<Record<string, string>>;
  models: ModelProvider | undefined;
  concurrency: number;
  signal: AbortSignal | undefined;
  /** Set on sub-runs: names them in events. */
  scope: string | undefined;
}

export interface FlowRunOutcome {
  status: RunStatus;
  outputs: Record<string, unknown>;
  error?: RunErrorInfo;
}

const EMPTY_INPUTS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/**
 * Synchronous nodes complete inside the scheduler's loop, and promises resolve as microtasks: neither lets the
 * event loop turn. So every run in the process shares one time slice, and a run that has worked through it lets the
 * event loop take a turn (signals, timers, HTTP requests) before it goes on. The clock is read every 64 nodes only.
 */
const SLICE_MS = 10;
const NODES_PER_CLOCK_READ = 64;
let sliceStart = performance.now();
let nodesSinceClockRead = 0;
const nextTurn: (callback: () => void) => void = globalThis.setImmediate ?? ((callback) => setTimeout(callback, 0));

function sliceUsedUp(): boolean {
  if (++nodesSinceClockRead < NODES_PER_CLOCK_READ) return false;
  nodesSinceClockRead = 0;
  return performance.now() - sliceStart > SLICE_MS;
}

/**
 * How a flow runs: starts each node as soon as the run state says it is ready, up to `concurrency` at once; runs
 * synchronous results in a loop rather than through promises; applies timeouts and retries to asynchronous work;
 * stops everything in flight when the run is cancelled or a node fails for good.
 */
export class FlowRun implements AttemptHost {
  readonly outputs: Record<string, unknown> = {};
  stopReason: unknown;
  private readonly state: RunState;
  private readonly queue: number[] = [];
  private head = 0;
  private running = 0;
  private pumping = false;
  private waitingForTurn = false;
  private readonly inFlight = new Set<NodeAttempt>();
  private resolve!: (outcome: FlowRunOutcome) => void;

  constructor(
    private readonly flow: CompiledFlow,
    private readonly options: FlowRunOptions,
  ) {
    this.state = new RunState(flow);
  }

  get flowInputs(): Readonly<Record<string, unknown>> {
    return this.options.inputs;
  }

  get models(): ModelProvider | undefined {
    return this.options.models;
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
        nextTurn(() => {
          sliceStart = performance.now();
          this.waitingForTurn = false;
          this.pump();
        });
        break;
      }
      this.startNode(this.flow.nodes[this.queue[this.head++]!]!);
    }
    this.pumping = false;
    if (
      this.stopReason === undefined &&
      !this.waitingForTurn &&
      this.running === 0 &&
      this.head === this.queue.length
    ) {
      this.finish('succeeded');
    }
  }

  private startNode(node: CompiledNode): void {
    this.running++;
    const variant = node.defaultVariant === undefined ? undefined : this.options.variants[node.id];
    let inputs: Record<string, unknown>;
    try {
      inputs = this.nodeInputs(node);
    } catch (error) {
      const message = error instanceof PortTypeError ? error.message : String(error);
      this.attempt(node, variant, EMPTY_INPUTS, 1, new NodeError('input-type', message, { retryable: false }));
      return;
    }
    this.attempt(node, variant, inputs, 1);
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
        const source = this.flow.nodes[edge.from]!;
        throw new PortTypeError(
          `input "${edge.toPort}" (from ${source.id}.${edge.fromPort}): ${(error as Error).message}`,
        );
      }
    }
    return converted ?? raw;
  }

  private attempt(
    node: CompiledNode,
    variant: string | undefined,
    inputs: Record<string, unknown>,
    number: number,
    failure?: NodeError,
  ): void {
    const attempt = new NodeAttempt(this, node, configFor(node, variant), variant, inputs, number, performance.now());
    const sink = this.options.sink;
    if (sink.enabled) {
      sink.emit({
        type: 'node-start',
        nodeId: node.id,
        ...this.scoped(),
        nodeType: node.nodeType.type,
        attempt: number,
        inputs,
        ...(variant === undefined ? {} : { variant }),
      });
    }
    if (failure) {
      this.attemptFailed(attempt, failure);
      return;
    }
    let result: NodeResult | Promise<NodeResult>;
    try {
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
    if (node.timeoutMs !== undefined) {
      const timeoutMs = node.timeoutMs;
      attempt.timer = setTimeout(() => {
        const error = new NodeError('timeout', `node "${node.id}" did not finish within ${timeoutMs} ms`);
        this.attemptFailed(attempt, error);
        attempt.abort(error);
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
    const { node } = attempt;
    const sink = this.options.sink;
    if (sink.enabled) {
      const durationMs = performance.now() - attempt.startedAt;
      sink.emit({
        type: 'node-end',
        nodeId: node.id,
        ...this.scoped(),
        outputs: result.outputs,
        durationMs,
        attempts: attempt.attempt,
        ...(result.usage ? { usage: result.usage } : {}),
      });
    }
    this.advance(this.state.complete(node.index, result.outputs));
  }

  private advance(settlement: Settlement): void {
    const sink = this.options.sink;
    if (sink.enabled) {
      for (const skip of settlement.skipped) {
        sink.emit({
          type: 'node-skip',
          nodeId: this.flow.nodes[skip.index]!.id,
          ...this.scoped(),
          reason: skip.reason,
        });
      }
    }
    for (const index of settlement.ready) this.queue.push(index);
    this.pump();
  }

  private attemptFailed(attempt: NodeAttempt, error: unknown): void {
    if (!this.settle(attempt)) return;
    // Stop what the failed attempt may still have going (a map's other items, a stream) before anything else.
    attempt.abort(error);
    const { node } = attempt;
    const info = errorInfo(error);
    const retryable = (error as { retryable?: unknown } | null)?.retryable !== false;
    const willRetry = retryable && attempt.attempt < (node.retry?.maxAttempts ?? 1);
    this.options.sink.emit({
      type: 'node-error',
      nodeId: node.id,
      ...this.scoped(),
      attempt: attempt.attempt,
      error: info,
      willRetry,
      durationMs: performance.now() - attempt.startedAt,
    });
    if (willRetry) {
      const retry = node.retry!;
      const delay = Math.min(
        (retry.backoffMs ?? 200) * (retry.factor ?? 2) ** (attempt.attempt - 1),
        retry.maxBackoffMs ?? 60_000,
      );
      // The backoff wait stands in flight as an attempt of its own, so cancelling the run also ends the wait.
      const wait = new NodeAttempt(
        this,
        node,
        attempt.config,
        attempt.variant,
        attempt.inputs,
        attempt.attempt,
        attempt.startedAt,
      );
      this.inFlight.add(wait);
      wait.timer = setTimeout(() => {
        if (!this.settle(wait)) return;
        this.attempt(node, attempt.variant, attempt.inputs, attempt.attempt + 1);
      }, delay);
      return;
    }
    this.running--;
    this.state.fail(node.index);
    this.finish('failed', { ...info, nodeId: node.id, ...this.scoped() });
  }

  /** Marks an attempt settled; false when it already was, or the run has stopped (its result then counts for nothing). */
  private settle(attempt: NodeAttempt): boolean {
    if (attempt.settled || this.stopReason !== undefined) return false;
    attempt.settled = true;
    if (attempt.timer !== undefined) clearTimeout(attempt.timer);
    this.inFlight.delete(attempt);
    return true;
  }

  private finish(status: RunStatus, error?: RunErrorInfo): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = error ? new NodeError(error.code, error.message, { retryable: false }) : 'finished';
    this.options.signal?.removeEventListener('abort', this.cancel);
    for (const attempt of this.inFlight) {
      attempt.settled = true;
      attempt.abort(this.stopReason);
      // The attempts still in flight are other nodes than a failed one (it has settled): they stop unfinished.
      const info = {
        code: 'cancelled',
        message: status === 'cancelled' ? 'the run was cancelled' : 'stopped: another node failed',
      };
      this.options.sink.emit({
        type: 'node-error',
        nodeId: attempt.node.id,
        ...this.scoped(),
        attempt: attempt.attempt,
        error: info,
        willRetry: false,
        durationMs: performance.now() - attempt.startedAt,
      });
    }
    this.inFlight.clear();
    this.resolve({ status, outputs: this.outputs, ...(error ? { error } : {}) });
  }

  private scoped(): { scope?: string } {
    return this.options.scope === undefined ? {} : { scope: this.options.scope };
  }

  emitToken(attempt: NodeAttempt, text: string): void {
    this.options.sink.emit({ type: 'node-token', nodeId: attempt.node.id, ...this.scoped(), text });
  }

  setFlowOutput(name: string, value: unknown): void {
    this.outputs[name] = value;
  }

  async runSubflow(
    attempt: NodeAttempt,
    inputs: Record<string, unknown>,
    options: SubflowRunOptions,
  ): Promise<Record<string, unknown>> {
    const subflow = attempt.node.subflow;
    if (!subflow)
      throw new NodeError('no-subflow', `node "${attempt.node.id}" has no sub-flow to run`, { retryable: false });
    const scope = `${this.options.scope ? `${this.options.scope}/` : ''}${attempt.node.id}${options.item === undefined ? '' : `[${options.item}]`}`;
    let values: Record<string, unknown>;
    try {
      values = prepareInputs(subflow, inputs);
    } catch (error) {
      if (!(error instanceof RunRequestError)) throw error;
      throw new NodeError('invalid-inputs', `${scope}: ${error.message}`, { retryable: false });
    }
    const child = new FlowRun(subflow, {
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
      retryable: outcome.status === 'failed',
    });
  }
}

/** Errors may carry a string `code` (NodeError, TemplateError) that clients can switch on. */
function errorInfo(error: unknown): RunErrorInfo {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string') return { code, message: error.message };
  if (error instanceof Error && error.name === 'AbortError') return { code: 'cancelled', message: error.message };
  if (error instanceof Error) return { code: 'node-failed', message: error.message };
  return { code: 'node-failed', message: String(error) };
}
