import type { ScorerResolver } from '../evaluators/groundedness/scorer-request.js';
import type { ModelProvider } from '../model/backend.js';
import type { ExecuteContext, SubflowRunOptions } from '../node-types/node-type.js';
import type { Retriever } from '../retrieval/types.js';
import type { RunErrorInfo } from '../schema/events.js';
import type { FlowDefinition, RetryPolicy } from '../schema/flow.js';
import type { CompiledNode } from './compile.js';

/** What a node attempt needs from the run that owns it. */
export interface AttemptHost {
  readonly flowInputs: Readonly<Record<string, unknown>>;
  readonly models: ModelProvider | undefined;
  readonly scorers: ScorerResolver | undefined;
  readonly retriever: Retriever | undefined;
  /** The seed of a node of this run (the same for every attempt, so a retry samples as the first try did). */
  seedFor(nodeId: string): number;
  /** The reason the run stopped, once it has; an attempt created afterwards starts aborted. */
  readonly stopReason: unknown;
  emitToken(attempt: NodeAttempt, text: string): void;
  setFlowOutput(name: string, value: unknown): void;
  runSubflow(
    attempt: NodeAttempt,
    inputs: Record<string, unknown>,
    options: SubflowRunOptions,
  ): Promise<Record<string, unknown>>;
}

/**
 * One attempt at running one node, and the context its `execute` sees. The abort controller is made only when
 * the node asks for its signal, so cheap synchronous nodes cost no controller.
 */
export class NodeAttempt implements ExecuteContext<unknown> {
  settled = false;
  timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;

  constructor(
    private readonly host: AttemptHost,
    readonly node: CompiledNode,
    readonly config: unknown,
    readonly variant: string | undefined,
    readonly inputs: Record<string, unknown>,
    readonly attempt: number,
    readonly startedAt: number,
  ) {}

  get nodeId(): string {
    return this.node.id;
  }

  get flowInputs(): Readonly<Record<string, unknown>> {
    return this.host.flowInputs;
  }

  get models(): ModelProvider | undefined {
    return this.host.models;
  }

  get scorers(): ScorerResolver | undefined {
    return this.host.scorers;
  }

  get retriever(): Retriever | undefined {
    return this.host.retriever;
  }

  get seed(): number {
    return this.host.seedFor(this.node.id);
  }

  get subflow(): FlowDefinition | undefined {
    return this.node.subflow?.definition;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.host.stopReason !== undefined || this.settled) this.controller.abort(this.host.stopReason);
    }
    return this.controller.signal;
  }

  /** Stops the attempt's work (timeout, run cancelled or failed); its late result is then ignored. */
  abort(reason: unknown): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.controller?.abort(reason);
  }

  emitToken(text: string): void {
    if (!this.settled) this.host.emitToken(this, text);
  }

  setFlowOutput(name: string, value: unknown): void {
    if (!this.settled) this.host.setFlowOutput(name, value);
  }

  runSubflow(inputs: Record<string, unknown>, options: SubflowRunOptions = {}): Promise<Record<string, unknown>> {
    return this.host.runSubflow(this, inputs, options);
  }
}

/** Errors may carry a string `code` (NodeError, TemplateError) that clients can switch on. */
export function errorInfo(error: unknown): RunErrorInfo {
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string') return { code, message: error.message };
  if (error instanceof Error && error.name === 'AbortError') return { code: 'cancelled', message: error.message };
  if (error instanceof Error) return { code: 'node-failed', message: error.message };
  return { code: 'node-failed', message: String(error) };
}

/** Whether trying again could help: errors say so with `retryable: false` (NodeError, TemplateError). */
export function isRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable !== false;
}

/** The wait before attempt `failed + 1`: backoffMs × factor^(failed − 1), at most maxBackoffMs. */
export function retryDelay(policy: RetryPolicy, failed: number): number {
  return Math.min((policy.backoffMs ?? 200) * (policy.factor ?? 2) ** (failed - 1), policy.maxBackoffMs ?? 60_000);
}
