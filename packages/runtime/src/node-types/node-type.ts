import type { z } from 'zod';
import type { ScorerResolver } from '../evaluators/groundedness/scorer-request.js';
import type { ModelProvider } from '../model/backend.js';
import type { Retriever } from '../retrieval/types.js';
import type { TokenUsage } from '../schema/events.js';
import type { FlowDefinition, FlowInput, FlowOutput, FlowReference, InlineFlow } from '../schema/flow.js';
import type { PortType } from '../schema/port-types.js';
import type { ProblemCode } from '../schema/problems.js';

/** One port of a node, as its type computes it from the node's config. */
export interface PortSpec {
  name: string;
  type: PortType;
  /** Inputs only: a required input must have an edge (validation) and an active value (else the node is skipped). */
  required?: boolean;
  /**
   * Inputs only: an optional input that, once connected, must have an active value, else the node is skipped
   * (the pass-through `value` of condition and switch: a branch must not carry something else instead).
   */
  skipWhenInactive?: boolean;
  description?: string;
}

export interface NodePorts {
  inputs: PortSpec[];
  outputs: PortSpec[];
}

/** What a node type may look at when computing its ports: the enclosing flow's interface and named sub-flows. */
export interface PortContext {
  flowInputs: Readonly<Record<string, FlowInput>>;
  flowOutputs: Readonly<Record<string, FlowOutput>>;
  /** The sub-flow a `map`/`subflow` config points at, or undefined when a reference cannot be resolved. */
  resolveFlow(spec: FlowReference | InlineFlow): FlowDefinition | undefined;
}

export interface NodeCheckProblem {
  code: ProblemCode;
  message: string;
  path: (string | number)[];
}

export interface NodeResult {
  /** Values by output port. A port left out is inactive: the edges from it carry nothing (a branch not taken). */
  outputs: Record<string, unknown>;
  usage?: TokenUsage;
}

export interface SubflowRunOptions {
  /** The item number of a `map`: events of the sub-run are scoped `node[item]` (else `node`). */
  item?: number;
}

export interface ExecuteContext<Config> {
  readonly nodeId: string;
  readonly config: Config;
  readonly variant: string | undefined;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when the run is cancelled or fails, or when this attempt times out. */
  readonly signal: AbortSignal;
  /** The run's flow inputs (after defaults). */
  readonly flowInputs: Readonly<Record<string, unknown>>;
  /** The resolved sub-flow of a `map`/`subflow` node. */
  readonly subflow: FlowDefinition | undefined;
  /** The language models this run may use; undefined when the host provides none. */
  readonly models: ModelProvider | undefined;
  /** Groundedness scorers other than the default one (llm, nli), when the host provides them. */
  readonly scorers: ScorerResolver | undefined;
  /** Searches document collections (`retrieve`), when the host provides it. */
  readonly retriever: Retriever | undefined;
  /**
   * This node's seed in this run, derived from the run's seed and where the node runs: sampling with it makes a run
   * reproducible (a replay with the same run seed samples the same tokens).
   */
  readonly seed: number;
  /** Streams a piece of generated text as a `node-token` event. */
  emitToken(text: string): void;
  /** Records a flow output (the `output` node). */
  setFlowOutput(name: string, value: unknown): void;
  /**
   * Runs this node's sub-flow (`map`, `subflow`) with the given inputs, under this node's signal, and resolves with
   * its outputs; rejects when the sub-run fails or is cancelled.
   */
  runSubflow(inputs: Record<string, unknown>, options?: SubflowRunOptions): Promise<Record<string, unknown>>;
}

/**
 * Everything about one kind of node, in one file per type (see ./builtin): its ports, config, docs and behaviour.
 * `execute` may return a result directly (cheap nodes) or a promise (model calls, sub-flows).
 */
export interface NodeType<Config = unknown> {
  type: string;
  title: string;
  description: string;
  category: 'io' | 'text' | 'model' | 'control' | 'data' | 'flow';
  configSchema: z.ZodType<Config>;
  /** Whether the node may carry variants (prompt, llm). */
  supportsVariants?: boolean;
  /**
   * `all` (default): runs when every connected input has settled; skipped when a required input is inactive or
   * all inputs are. `any`: runs when at least one connected input is active (merge, collect).
   */
  join?: 'all' | 'any';
  /** Whether the node activates one of several outputs (condition, switch): the others are "not taken". */
  branching?: boolean;
  /** Used when the node sets no `timeoutMs`. Applies to asynchronous work only. */
  defaultTimeoutMs?: number;
  ports(config: Config, context: PortContext): NodePorts;
  /** Output types that depend on what is connected (merge, collect, condition); given the connected input types. */
  inferOutputs?(config: Config, inputTypes: ReadonlyMap<string, PortType>, ports: NodePorts): PortSpec[];
  /** The sub-flow this node runs, for validation, port computation and compilation. */
  subflow?(config: Config): FlowReference | InlineFlow;
  /** The flow output this node sets (the `output` node), so validation can match outputs to nodes. */
  flowOutput?(config: Config): string;
  /** Checks beyond the config schema that need the flow around the node; paths are relative to the config. */
  check?(config: Config, context: PortContext): NodeCheckProblem[];
  execute(inputs: Record<string, unknown>, context: ExecuteContext<Config>): NodeResult | Promise<NodeResult>;
}

/** A shared empty result for nodes whose effect is not an output (the `output` node). Never mutated. */
export const NO_OUTPUTS: NodeResult = Object.freeze({ outputs: Object.freeze({}) }) as NodeResult;

// biome-ignore lint/suspicious/noExplicitAny: a registry holds node types of every config type.
export type AnyNodeType = NodeType<any>;

/** Declares a node type with its config type inferred from the schema. */
export function defineNodeType<Schema extends z.ZodType>(
  definition: NodeType<z.output<Schema>> & { configSchema: Schema },
): NodeType<z.output<Schema>> {
  return definition;
}

/** A failure inside a node, with a stable code for clients and a flag for the retry policy. */
export class NodeError extends Error {
  override name = 'NodeError';
  readonly code: string;
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? true;
  }
}
