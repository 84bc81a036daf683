import { z } from 'zod';
import { runInputsSchema, runSeedSchema, runVariantsSchema } from '../runs/runs.schemas.js';

/** The public API of published flows: snake_case, as clients of other services expect; read by the OpenAPI document. */

export const publishedParamsSchema = z.object({ name: z.string().min(1).describe('The flow name.') });

export const publishedRunBodySchema = z
  .strictObject({
    inputs: runInputsSchema.optional(),
    stream: z
      .boolean()
      .optional()
      .describe('true: answer with Server-Sent Events of the run, ending with run-end. false (default): JSON.'),
    variants: runVariantsSchema.optional(),
    seed: runSeedSchema.optional(),
  })
  .optional();

export const publishedRunResponseSchema = z.object({
  outputs: z.record(z.string(), z.unknown()),
  run_id: z.string(),
  status: z.literal('succeeded'),
});

/** 422 `run-failed`: where the run failed and why. */
export const publishedRunFailureSchema = z.object({
  error: z.object({
    code: z.literal('run-failed'),
    message: z.string(),
    run_id: z.string(),
    node: z.string().nullable().describe('The node that failed.'),
    scope: z.string().optional().describe('Where the node is, inside a map item or sub-flow.'),
    reason: z.string().describe('The node error code (timeout, no-default-model, ...).'),
  }),
});
