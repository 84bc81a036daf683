import type { CompiledFlow } from '@groundwork/runtime';
import type { GroundednessScorer } from '@groundwork/runtime/evaluators';
import type { Logger } from 'pino';
import { HttpError } from '../http/http-error.js';
import { now } from '../ids.js';
import type { RunRecord } from '../runs/runs.repository.js';
import type { RunService } from '../runs/runs.service.js';
import { asContext, asText, fieldValue, type ItemValues } from './evaluation-fields.js';
import type { ErrorInfo, EvaluationsRepository, ItemOutcome } from './evaluations.repository.js';
import type { Evaluation, EvaluationStatus } from './evaluations.schemas.js';
import { itemMetrics } from './item-metrics.js';
import type { LiveEvaluation } from './live-evaluation.js';
import { itemSeed, rowInputs } from './row-inputs.js';

export interface ExecutionContext {
  runs: RunService;
  repository: EvaluationsRepository;
  log: Logger;
  flow: CompiledFlow;
  /** The dataset's rows by index. */
  rows: Record<string, unknown>[];
  /** Set when the evaluation computes groundedness. */
  scorer: GroundednessScorer | undefined;
}

/**
 * Runs an evaluation's unfinished items, `concurrency` at a time (their llm calls reach the engine together and
 * batch), each as a run of the flow version with its row's inputs, its combination's variants and its own seed.
 * Each item's outcome and metrics are written in one statement as it ends, so a stop at any point loses only the
 * items in flight: they stay pending, and a resume runs them.
 */
export async function executeEvaluation(
  evaluation: Evaluation,
  items: { combination: number; row: number }[],
  live: LiveEvaluation,
  context: ExecutionContext,
): Promise<EvaluationStatus> {
  const { signal } = live.controller;
  let next = 0;
  let firstFailure: ErrorInfo | undefined;
  const worker = async () => {
    while (!signal.aborted && next < items.length) {
      const item = items[next++]!;
      const outcome = await runItem(evaluation, item, signal, context).catch((error: unknown) => {
        context.log.error({ err: error, evaluationId: evaluation.id, item }, 'an evaluation item failed to run');
        return failed(null, {}, { code: 'internal', message: 'the item failed on an internal error (see the log)' });
      });
      if (!outcome) continue;
      if (!context.repository.finishItem(evaluation.id, item.combination, item.row, outcome)) {
        live.stop('cancel');
        return;
      }
      if (outcome.status === 'failed') firstFailure ??= outcome.error ?? undefined;
      live.itemEnded({ ...item, status: outcome.status, metrics: outcome.metrics });
    }
  };
  const workers = Math.max(1, Math.min(evaluation.concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));

  const status: EvaluationStatus =
    live.stopReason === 'cancel'
      ? 'cancelled'
      : live.stopReason === 'shutdown'
        ? 'interrupted'
        : live.progress.done === 0 && live.progress.failed > 0
          ? 'failed'
          : 'succeeded';
  const error =
    status === 'failed'
      ? { code: 'items-failed', message: `every item failed; the first: ${firstFailure?.message ?? 'unknown'}` }
      : status === 'interrupted'
        ? { code: 'interrupted', message: 'the server stopped while the evaluation was running' }
        : null;
  context.repository.setStatus(evaluation.id, status, error, now());
  return status;
}

/** Runs one item; undefined when it was stopped before it ended (it stays pending). */
async function runItem(
  evaluation: Evaluation,
  item: { combination: number; row: number },
  signal: AbortSignal,
  context: ExecutionContext,
): Promise<ItemOutcome | undefined> {
  const row = context.rows[item.row] ?? {};
  const combination = evaluation.combinations[item.combination]!;
  const inputs = rowInputs(context.flow, evaluation.mapping, row);
  let live: ReturnType<RunService['start']>;
  try {
    live = context.runs.start({
      flow: evaluation.flowId,
      version: evaluation.flowVersion,
      inputs,
      variants: combination.variants,
      seed: itemSeed(evaluation.seed, item.combination, item.row),
      source: 'evaluation',
      storeTokens: false,
    });
  } catch (error) {
    // The server is shutting down: the item is not the one at fault.
    if (error instanceof HttpError && error.code === 'unavailable') return undefined;
    return failed(null, inputs, errorInfo(error));
  }
  const stop = () => live.controller.abort();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await live.done;
  } finally {
    signal.removeEventListener('abort', stop);
  }
  const run = context.runs.require(live.id);
  if (run.status === 'cancelled' && signal.aborted) return undefined;
  if (run.status !== 'succeeded') {
    return failed(run, run.inputs, run.error ?? { code: 'run-failed', message: `the run ended ${run.status}` });
  }
  const values: ItemValues = { inputs: run.inputs, outputs: run.outputs, row };
  const { fields } = evaluation;
  const answer = asText(fieldValue(fields.answer, values));
  const contextValue = asContext(fieldValue(fields.context, values));
  const tokens = tokenCounts(run);
  let computed: Awaited<ReturnType<typeof itemMetrics>>;
  try {
    computed = await itemMetrics(
      evaluation.metrics,
      {
        answer,
        context: contextValue,
        question: asText(fieldValue(fields.question, values)),
        reference: asText(fieldValue(fields.reference, values)),
        durationMs: run.durationMs,
        ...tokens,
      },
      context.scorer,
      signal,
    );
  } catch (error) {
    if (signal.aborted) return undefined;
    return { ...failed(run, run.inputs, { code: 'metric-failed', message: errorInfo(error).message }), answer };
  }
  return {
    status: 'done',
    runId: run.id,
    inputs: run.inputs,
    outputs: run.outputs,
    error: null,
    metrics: computed.metrics,
    groundedness: computed.groundedness,
    answer,
    context: contextValue,
    durationMs: run.durationMs,
    ...tokens,
    endedAt: now(),
  };
}

function failed(run: RunRecord | null, inputs: Record<string, unknown>, error: ErrorInfo): ItemOutcome {
  return {
    status: 'failed',
    runId: run?.id ?? null,
    inputs,
    outputs: run?.outputs ?? null,
    error: { code: error.code, message: error.message },
    metrics: {},
    groundedness: null,
    answer: null,
    context: null,
    durationMs: run?.durationMs ?? null,
    tokensIn: null,
    tokensOut: null,
    endedAt: now(),
  };
}

/** Tokens in and out over the run's nodes (map items and sub-flows included). */
function tokenCounts(run: RunRecord): { tokensIn: number; tokensOut: number } {
  let tokensIn = 0;
  let tokensOut = 0;
  for (const node of run.nodes) {
    tokensIn += node.inputTokens ?? 0;
    tokensOut += node.outputTokens ?? 0;
  }
  return { tokensIn, tokensOut };
}

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof HttpError) return { code: error.code, message: error.message };
  if (error instanceof Error) {
    const code = error.name === 'RunRequestError' ? 'invalid-inputs' : 'failed';
    return { code, message: error.message };
  }
  return { code: 'failed', message: String(error) };
}
