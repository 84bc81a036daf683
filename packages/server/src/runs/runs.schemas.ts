import { z } from 'zod';

/** Requests and responses of the runs API; the routes validate with the request schemas, the OpenAPI document reads all. */

export const RUN_STATUSES = ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export const NODE_STATUSES = ['running', 'succeeded', 'failed', 'skipped', 'cancelled', 'interrupted'] as const;
export const MAX_CONCURRENCY = 256;
export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

export const runInputsSchema = z
  .record(z.string(), z.unknown())
  .describe('Input values by flow input name; inputs with defaults may be left out.');
export const runVariantsSchema = z
  .record(z.string(), z.string())
  .describe('The variant to run per node id; nodes not named run their default variant.');

/** The largest run seed: seeds are 32-bit unsigned integers. */
export const MAX_SEED = 0xffff_ffff;

export const runSeedSchema = z
  .int()
  .min(0)
  .max(MAX_SEED)
  .describe(
    'The run seed (0 to 4294967295): every llm node samples from a seed derived from it, so the same version, inputs, variants and seed give the same text. Random when left out; the run records it.',
  );

const waitSchema = z
  .boolean()
  .optional()
  .describe('true (default): answer when the run ends. false: answer 202 at once, with Location.');

export const startRunBodySchema = z
  .strictObject({
    inputs: runInputsSchema.optional(),
    variants: runVariantsSchema.optional(),
    seed: runSeedSchema.optional(),
    version: z.number().int().min(1).optional().describe('The flow version to run; the latest by default.'),
    label: z.string().min(1).optional().describe('Run the version this label points at (not with version).'),
    wait: waitSchema,
    concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).optional().describe('Nodes in flight at once.'),
  })
  .optional();

/** `POST /runs/:id/replay`: the run is the original's; only how to wait for it is the caller's. */
export const replayRunBodySchema = z.strictObject({ wait: waitSchema }).optional();

export const flowParamsSchema = z.object({ flow: z.string().min(1).describe('Flow id or name.') });
export const runParamsSchema = z.object({ id: z.string().min(1).describe('Run id (`run_…`).') });

export const runListQuerySchema = z.strictObject({
  flow: z.string().min(1).optional().describe('Only runs of this flow (id or name).'),
  status: z.enum(RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE),
  before: z.string().min(1).optional().describe('A run id: the runs created before it (the `next` of a page).'),
});

export const runEventsQuerySchema = z.object({
  after: z
    .string()
    .optional()
    .describe('Send the events after this sequence number; the Last-Event-ID header takes precedence.'),
});

export const runErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  nodeId: z.string().optional(),
  scope: z.string().optional(),
});

export const runNodeSchema = z.object({
  nodeId: z.string(),
  scope: z.string().describe("'' for the run's own nodes; `each[3]`, `outer[1]/inner` inside map items."),
  nodeType: z.string().nullable(),
  status: z.enum(NODE_STATUSES),
  variant: z.string().nullable(),
  attempts: z.number().int(),
  inputs: z.record(z.string(), z.unknown()).nullable(),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  error: runErrorSchema.nullable(),
  skipReason: z.string().nullable(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});

export const runSummarySchema = z.object({
  id: z.string(),
  flowId: z.string(),
  flowName: z.string(),
  flowVersion: z.number().int(),
  status: z.enum(RUN_STATUSES),
  source: z.string().describe('api, published, replay, evaluation'),
  inputs: z.record(z.string(), z.unknown()),
  variants: z.record(z.string(), z.string()),
  seed: z
    .int()
    .nullable()
    .describe('The run seed, to replay it; null for runs recorded before runs kept their seed (not replayable).'),
  replayOf: z.string().nullable().describe('The run this one replays (POST /api/runs/{id}/replay).'),
  subflows: z
    .record(z.string(), z.object({ flowId: z.string(), version: z.int() }))
    .describe(
      'The stored version each { ref } sub-flow resolved to, by reference name; a replay runs these versions again.',
    ),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  error: runErrorSchema.nullable(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
});

export const runSchema = runSummarySchema.extend({ nodes: z.array(runNodeSchema) });
export const runResponseSchema = z.object({ run: runSchema });
export const runListResponseSchema = z.object({
  runs: z.array(runSummarySchema),
  next: z.string().nullable().describe('Pass as `before` for the next page; null on the last page.'),
});
