import type { ItemStatus, StoredItem } from './evaluations.repository.js';
import type { Evaluation, EvaluationStatus, Progress } from './evaluations.schemas.js';

/** Rows of the evaluations tables as SQLite returns them, and how they read as API objects. */

export interface EvaluationRow {
  id: string;
  name: string;
  flow_id: string;
  flow_name: string;
  flow_version: number;
  dataset_id: string;
  dataset_name: string;
  status: EvaluationStatus;
  combinations: string;
  metrics: string;
  fields: string;
  groundedness: string;
  mapping: string;
  seed: number;
  concurrency: number;
  error: string | null;
  created_at: string;
  ended_at: string | null;
  total: number;
  done: number;
  failed: number;
}

export interface ItemRow {
  combination: number;
  row_index: number;
  status: ItemStatus;
  run_id: string | null;
  inputs: string | null;
  outputs: string | null;
  error: string | null;
  metrics: string | null;
  groundedness: string | null;
  answer: string | null;
  context: string | null;
  duration_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
}

const parse = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

export function toItem(row: ItemRow): StoredItem {
  return {
    combination: row.combination,
    row: row.row_index,
    status: row.status,
    runId: row.run_id,
    inputs: parse(row.inputs),
    outputs: parse(row.outputs),
    error: parse(row.error),
    metrics: parse(row.metrics) ?? {},
    groundedness: parse(row.groundedness),
    answer: row.answer,
    context: parse(row.context),
    durationMs: row.duration_ms,
    tokensIn: row.tokens_in,
    tokensOut: row.tokens_out,
  };
}

export function toEvaluation(row: EvaluationRow): Evaluation {
  const progress: Progress = { total: row.total, done: row.done, failed: row.failed };
  return {
    id: row.id,
    name: row.name,
    flowId: row.flow_id,
    flowName: row.flow_name,
    flowVersion: row.flow_version,
    datasetId: row.dataset_id,
    datasetName: row.dataset_name,
    status: row.status,
    combinations: JSON.parse(row.combinations),
    metrics: JSON.parse(row.metrics),
    fields: JSON.parse(row.fields),
    groundedness: JSON.parse(row.groundedness),
    mapping: JSON.parse(row.mapping),
    seed: row.seed,
    concurrency: row.concurrency,
    progress,
    createdAt: row.created_at,
    endedAt: row.ended_at,
    error: parse(row.error),
  };
}
