/**
 * The wire types of datasets and evaluations (issue 7), mirrored by hand from the server's contract
 * (scratch/issue7-contract.md) like the rest of `client.ts`: the editor may not depend on the server package.
 */
import type { GroundednessResult } from '@groundwork/runtime/evaluators';

export type DatasetFormat = 'jsonl' | 'csv' | 'json';

export interface Dataset {
  id: string;
  name: string;
  format: DatasetFormat;
  columns: string[];
  rowCount: number;
  contentHash: string;
  createdAt: string;
}

export interface DatasetRow {
  index: number;
  values: Record<string, unknown>;
}

/** One malformed line of an uploaded file, as the server lists them in a refused upload (`error.issues`). */
export interface DatasetProblem {
  line: number | null;
  message: string;
}

export type EvaluationStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

/** One combination of variants an evaluation runs every row with; `key` reads like `answer=short,tone=formal`. */
export interface Combination {
  index: number;
  key: string;
  variants: Record<string, string>;
}

export interface EvaluationProgress {
  total: number;
  done: number;
  failed: number;
}

/** Where the metrics read a value from: `outputs.NAME`, `inputs.NAME` or `row.COLUMN`. */
export interface EvaluationFields {
  answer?: string;
  context?: string;
  question?: string;
  reference?: string;
}

export type ScorerName = 'default' | 'llm' | 'nli';

export interface GroundednessSettings {
  scorer?: ScorerName;
  threshold?: number;
  model?: string;
}

export interface Evaluation {
  id: string;
  name: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  datasetId: string;
  datasetName: string;
  status: EvaluationStatus;
  combinations: Combination[];
  metrics: string[];
  fields: EvaluationFields;
  groundedness: GroundednessSettings;
  mapping: Record<string, string>;
  seed: number;
  progress: EvaluationProgress;
  createdAt: string;
  endedAt: string | null;
  error: { code?: string; message: string } | null;
}

/** A mean with its 95% bootstrap interval over `n` rows. */
export interface MetricEstimate {
  mean: number;
  low: number;
  high: number;
  n: number;
}

export interface CombinationSummary extends Combination {
  /** Null where no row produced the metric (yet). */
  metrics: Record<string, MetricEstimate | null>;
}

export interface EvaluationSummary {
  combinations: CombinationSummary[];
}

export interface EvaluationRequest {
  flow: string;
  version?: number | string;
  dataset: string;
  mapping?: Record<string, string>;
  variants?: Record<string, string[]>;
  combinations?: Record<string, string>[];
  metrics?: string[];
  fields?: EvaluationFields;
  groundedness?: GroundednessSettings;
  concurrency?: number;
  seed?: number;
  name?: string;
}

export type ResultStatus = 'pending' | 'done' | 'failed';

/** One (combination, row) item of an evaluation. */
export interface EvaluationResult {
  combination: number;
  row: number;
  rowValues: Record<string, unknown>;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  status: ResultStatus;
  error: { code?: string; message: string } | null;
  runId: string | null;
  metrics: Record<string, number | null>;
  groundedness: GroundednessResult | null;
  answer: string | null;
  context: string | string[] | null;
  durationMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
}

export type Preference = 'a' | 'b' | 'tie';

/** One side of a comparison: a combination of an evaluation, and its mean on the compared rows. */
export interface ComparisonSide extends MetricEstimate {
  evaluation: string;
  combination: number;
  key: string;
  flowVersion: number;
}

export interface ComparisonRow {
  row: number;
  a: number | null;
  b: number | null;
  /** b − a. */
  difference: number | null;
  preference: Preference | null;
}

export interface Comparison {
  metric: string;
  higherIsBetter: boolean;
  a: ComparisonSide;
  b: ComparisonSide;
  /** b − a, with its 95% interval. */
  difference: { mean: number; low: number; high: number };
  /** Rows where B is better than A in the metric's direction, worse, and equal. */
  better: number;
  worse: number;
  equal: number;
  rows: ComparisonRow[];
}

/** A side as the compare and preference endpoints name it: `EVALUATION_ID:COMBINATION`. */
export interface SideRef {
  evaluation: string;
  combination: number;
}

/** What an evaluation's event stream (SSE) says. */
export type EvaluationEvent =
  | { type: 'progress'; progress: EvaluationProgress }
  | {
      type: 'item-end';
      combination: number;
      row: number;
      status: ResultStatus;
      metrics: Record<string, number | null>;
    }
  | { type: 'evaluation-end'; status: EvaluationStatus };
