import { z } from 'zod';
import { runSeedSchema } from '../runs/runs.schemas.js';

/** Requests and responses of the evaluations API; the routes validate with the request schemas, OpenAPI reads all. */

export const EVALUATION_STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const ITEM_STATUSES = ['pending', 'done', 'failed'] as const;
export const FIELD_NAMES = ['answer', 'context', 'question', 'reference'] as const;
export const DEFAULT_EVALUATION_CONCURRENCY = 8;
export const MAX_EVALUATION_CONCURRENCY = 64;
export const MAX_RESULTS_PAGE = 1000;

const fieldRefSchema = z
  .string()
  .regex(/^(outputs|inputs|row)\..+$/, 'must be outputs.NAME, inputs.NAME or row.COLUMN')
  .describe('Where the value comes from: `outputs.NAME`, `inputs.NAME` or `row.COLUMN`.');

export const fieldsSchema = z.strictObject({
  answer: fieldRefSchema.optional(),
  context: fieldRefSchema.optional(),
  question: fieldRefSchema.optional(),
  reference: fieldRefSchema.optional(),
});

export const groundednessSettingsSchema = z.strictObject({
  scorer: z.enum(['default', 'llm', 'nli']).optional(),
  threshold: z.number().min(0).max(1).optional().describe('`supported` is score ≥ threshold; in [0, 1].'),
  model: z.string().min(1).optional().describe('The chat model (llm) or the NLI model folder (nli).'),
});

export const createEvaluationBodySchema = z.strictObject({
  flow: z.string().min(1).describe('Flow id or name.'),
  version: z
    .union([z.number().int().min(1), z.string().min(1)])
    .optional()
    .describe('A version number, a label or `latest` (the default).'),
  dataset: z.string().min(1).describe('Dataset id or name.'),
  mapping: z
    .record(z.string(), z.string())
    .optional()
    .describe('Flow input → dataset column; by default each input takes the column of its name.'),
  variants: z
    .record(z.string(), z.array(z.string().min(1)).min(1))
    .optional()
    .describe('Node id → the variants to sweep; the evaluation runs their cross product.'),
  combinations: z
    .array(z.record(z.string(), z.string()))
    .min(1)
    .optional()
    .describe('Listed combinations (node id → variant), instead of variants.'),
  metrics: z.array(z.string().min(1)).min(1).optional(),
  fields: fieldsSchema.optional(),
  groundedness: groundednessSettingsSchema.optional(),
  concurrency: z.number().int().min(1).max(MAX_EVALUATION_CONCURRENCY).optional().describe('Items in flight.'),
  seed: runSeedSchema.optional(),
  name: z.string().trim().min(1).max(200).optional(),
});

export type CreateEvaluationBody = z.output<typeof createEvaluationBodySchema>;
export type EvaluationFields = z.output<typeof fieldsSchema>;
export type GroundednessSettings = z.output<typeof groundednessSettingsSchema>;

export const combinationSchema = z.object({
  index: z.number().int(),
  key: z.string().describe("`node=variant,...`, or 'default' when no variant is chosen."),
  variants: z.record(z.string(), z.string()),
});
export type Combination = z.output<typeof combinationSchema>;

const errorInfoSchema = z.object({ code: z.string(), message: z.string() });

export const progressSchema = z.object({ total: z.number().int(), done: z.number().int(), failed: z.number().int() });
export type Progress = z.output<typeof progressSchema>;

export const evaluationSchema = z.object({
  id: z.string(),
  name: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  flowVersion: z.number().int(),
  datasetId: z.string(),
  datasetName: z.string(),
  status: z.enum(EVALUATION_STATUSES),
  combinations: z.array(combinationSchema),
  metrics: z.array(z.string()),
  fields: fieldsSchema,
  groundedness: groundednessSettingsSchema,
  mapping: z.record(z.string(), z.string()),
  seed: z.number().int(),
  concurrency: z.number().int(),
  progress: progressSchema,
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  error: errorInfoSchema.nullable(),
});
export type Evaluation = z.output<typeof evaluationSchema>;
export type EvaluationStatus = Evaluation['status'];

export const estimateSchema = z.object({ mean: z.number(), low: z.number(), high: z.number(), n: z.number().int() });

export const summarySchema = z.object({
  combinations: z.array(combinationSchema.extend({ metrics: z.record(z.string(), estimateSchema.nullable()) })),
});
export type EvaluationSummary = z.output<typeof summarySchema>;

export const resultSchema = z.object({
  combination: z.number().int(),
  row: z.number().int(),
  rowValues: z.record(z.string(), z.unknown()),
  inputs: z.record(z.string(), z.unknown()),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  status: z.enum(ITEM_STATUSES),
  error: errorInfoSchema.nullable(),
  runId: z.string().nullable(),
  metrics: z.record(z.string(), z.number().nullable()),
  groundedness: z.unknown().describe('The GroundednessResult with its sentences, or null.'),
  answer: z.string().nullable(),
  context: z.union([z.string(), z.array(z.string())]).nullable(),
  durationMs: z.number().nullable(),
  tokensIn: z.number().nullable(),
  tokensOut: z.number().nullable(),
});
export type Result = z.output<typeof resultSchema>;

export const evaluationParamsSchema = z.object({ id: z.string().min(1).describe('Evaluation id (`evl_…`).') });

export const evaluationListQuerySchema = z.strictObject({
  flow: z.string().min(1).optional().describe('Only evaluations of this flow (id or name).'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const resultsQuerySchema = z.strictObject({
  combination: z.coerce.number().int().min(0).optional().describe('Only this combination (its index).'),
  status: z.enum(ITEM_STATUSES).optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_RESULTS_PAGE).default(100),
});

const sideSchema = z
  .string()
  .regex(/^[^:]+(:\d+)?$/, 'must be EVALUATION_ID or EVALUATION_ID:COMBINATION')
  .describe('`EVALUATION_ID[:COMBINATION]` (combination index, 0 by default).');

export const compareQuerySchema = z.strictObject({
  a: sideSchema,
  b: sideSchema,
  metric: z.string().min(1).optional().describe('A metric both sides have; groundedness when both have it.'),
});

export const preferenceBodySchema = z.strictObject({
  a: sideSchema,
  b: sideSchema,
  row: z.coerce.number().int().min(0),
  preferred: z.enum(['a', 'b', 'tie']),
});
export const preferenceDeleteQuerySchema = preferenceBodySchema.omit({ preferred: true });

const comparisonSideSchema = estimateSchema.extend({
  evaluation: z.string(),
  combination: z.number().int(),
  key: z.string(),
  flowVersion: z.number().int(),
});

export const comparisonSchema = z.object({
  metric: z.string(),
  higherIsBetter: z.boolean(),
  a: comparisonSideSchema,
  b: comparisonSideSchema,
  difference: z.object({ mean: z.number(), low: z.number(), high: z.number() }).describe('b − a, 95% interval.'),
  better: z.number().int().describe('Rows where b beats a in the direction of the metric.'),
  worse: z.number().int(),
  equal: z.number().int(),
  rows: z.array(
    z.object({
      row: z.number().int(),
      a: z.number().nullable(),
      b: z.number().nullable(),
      difference: z.number().nullable(),
      preference: z.enum(['a', 'b', 'tie']).nullable(),
    }),
  ),
});
export type Comparison = z.output<typeof comparisonSchema>;

export const evaluationResponseSchema = z.object({ evaluation: evaluationSchema });
export const evaluationDetailResponseSchema = z.object({ evaluation: evaluationSchema, summary: summarySchema });
export const evaluationListResponseSchema = z.object({ evaluations: z.array(evaluationSchema) });
export const resultsResponseSchema = z.object({ results: z.array(resultSchema), total: z.number().int() });
export const preferenceResponseSchema = z.object({ preference: preferenceBodySchema });
