import type { ScorerResolver } from '../evaluators/groundedness/scorer-request.js';
import type { ModelProvider } from '../model/backend.js';
import type { Retriever } from '../retrieval/types.js';
import type { RunErrorInfo, RunStatus } from '../schema/events.js';
import type { CompiledFlow } from './compile.js';
import { type EventListener, EventSink } from './event-sink.js';
import { FlowRun } from './flow-run.js';
import { checkRunRequest } from './run-request.js';
import { newRunSeed } from './seeds.js';

export interface RunOptions {
  inputs?: Readonly<Record<string, unknown>>;
  /** The variant to use per node id; nodes not named run their default variant. */
  variants?: Readonly<Record<string, string>>;
  /** Cancels the run; in-flight nodes see it through their own signal (a model stops between tokens). */
  signal?: AbortSignal;
  onEvent?: EventListener;
  models?: ModelProvider;
  /** Groundedness scorers beyond the default one (llm, nli) for `groundedness` nodes; hosts with models give them. */
  scorers?: ScorerResolver;
  /** Searches document collections for `retrieve` nodes; hosts with a database (server, groundwork run) give one. */
  retriever?: Retriever;
  /** Nodes in flight at once, in the run and separately in each sub-run. */
  concurrency?: number;
  runId?: string;
  /**
   * The run's seed: every node's sampling seed derives from it, so a run with the same version, inputs, variants
   * and seed generates the same text (on the same provider). A random one when left out; the result gives it back.
   */
  seed?: number;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  outputs: Record<string, unknown>;
  error?: RunErrorInfo;
  /** The variant each node with variants ran with, so the run can be replayed. */
  variants: Record<string, string>;
  /** The run's seed, so the run can be replayed. */
  seed: number;
  durationMs: number;
}

export const DEFAULT_CONCURRENCY = 16;

/**
 * Runs a compiled flow. Resolves with the outcome whether the run succeeds, fails or is cancelled; throws
 * RunRequestError before anything runs when the inputs or variants are wrong.
 */
export async function runFlow(flow: CompiledFlow, options: RunOptions = {}): Promise<RunResult> {
  const { inputs, variants } = checkRunRequest(flow, options.inputs ?? {}, options.variants ?? {});
  const runId = options.runId ?? globalThis.crypto.randomUUID();
  const seed = options.seed ?? newRunSeed();
  const sink = new EventSink(runId, options.onEvent);
  const started = performance.now();
  sink.emit({ type: 'run-start', flow: flow.name, inputs, variants, seed });
  const run = new FlowRun(flow, {
    sink,
    inputs,
    variants,
    models: options.models,
    scorers: options.scorers,
    retriever: options.retriever,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    signal: options.signal,
    scope: undefined,
    seed,
  });
  const outcome = await run.run();
  const durationMs = performance.now() - started;
  sink.emit({
    type: 'run-end',
    status: outcome.status,
    outputs: outcome.outputs,
    durationMs,
    ...(outcome.error ? { error: outcome.error } : {}),
  });
  return { runId, ...outcome, variants, seed, durationMs };
}
