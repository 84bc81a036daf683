/**
 * Requests and responses of the version diff routes (`/diff`, `/variant-diff`). The response schemas describe the
 * runtime's FlowDiff for the OpenAPI document.
 */
import { flowInputSchema, flowOutputSchema, nodeSchema, variantSchema } from '@groundwork/runtime';
import { z } from 'zod';
import { changeSummarySchema, versionSummarySchema } from './flows.schemas.js';

// ---- requests

/** A version number (`3`), a label (`production`) or `latest`. */
export const versionRefSchema = z
  .string()
  .min(1)
  .max(200)
  .describe('A version number, a label (production, staging, ...) or latest.');

export const flowDiffQuerySchema = z.strictObject({
  from: versionRefSchema.optional().describe('The version to compare from; the version before `to` by default.'),
  to: versionRefSchema.optional().describe('The version to compare to; latest by default.'),
});

export const variantDiffQuerySchema = z.strictObject({
  node: z.string().min(1).describe('The id of a node with variants.'),
  from: z.string().min(1).describe('A variant of the node.'),
  to: z.string().min(1).describe('Another variant of the node (or the same: no changes).'),
  version: versionRefSchema.optional().describe('The version whose node to compare in; latest by default.'),
});

// ---- responses

const textLineSchema = z.object({
  line: z.int().describe('From 1.'),
  segments: z.array(z.object({ text: z.string(), changed: z.boolean() })),
});

const textDiffSchema = z.object({
  hunks: z.array(
    z.object({
      rows: z
        .array(z.object({ before: textLineSchema.optional(), after: textLineSchema.optional() }))
        .describe('Side by side: a context row has both sides; a changed row the old line, the new one or both.'),
    }),
  ),
  removedWords: z.int(),
  addedWords: z.int(),
});

/** One changed field: a value (before → after; a side is left out when the field was not set) or a text. */
export const fieldChangeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('value'),
    path: z.string().describe('config.temperature, retry.maxAttempts, ...'),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  }),
  z.object({
    kind: z.literal('text'),
    path: z.string().describe('config.template, config.expression, ...'),
    before: z.string(),
    after: z.string(),
    diff: textDiffSchema.describe('Word-level changes by line.'),
  }),
]);

const variantDiffSchema = z.union([
  z.object({ change: z.enum(['added', 'removed']), name: z.string(), variant: variantSchema }),
  z.object({
    change: z.literal('changed'),
    name: z.string(),
    renamedFrom: z.string().optional(),
    fields: z.array(fieldChangeSchema),
  }),
]);

const nodeDiffSchema = z.union([
  z.object({ change: z.enum(['added', 'removed']), id: z.string(), type: z.string(), node: nodeSchema }),
  z.object({
    change: z.literal('changed'),
    id: z.string(),
    type: z.string(),
    renamedFrom: z.string().optional().describe('The id before, when the node was renamed.'),
    moved: z
      .object({
        before: z.object({ x: z.number(), y: z.number() }).optional(),
        after: z.object({ x: z.number(), y: z.number() }).optional(),
      })
      .optional(),
    fields: z.array(fieldChangeSchema),
    variants: z.array(variantDiffSchema),
  }),
]);

const interfaceDiffSchema = <T extends z.ZodType>(declaration: T) =>
  z.union([
    z.object({ change: z.enum(['added', 'removed']), name: z.string(), declaration }),
    z.object({ change: z.literal('changed'), name: z.string(), fields: z.array(fieldChangeSchema) }),
  ]);

export const flowDiffSchema = z.object({
  flow: z.array(fieldChangeSchema).describe("The flow's name and description."),
  inputs: z.array(interfaceDiffSchema(flowInputSchema)),
  outputs: z.array(interfaceDiffSchema(flowOutputSchema)),
  nodes: z.array(nodeDiffSchema),
  edges: z.array(z.object({ change: z.enum(['added', 'removed']), from: z.string(), to: z.string() })),
});

export const flowDiffResponseSchema = z.object({
  flowId: z.string(),
  from: versionSummarySchema,
  to: versionSummarySchema,
  diff: flowDiffSchema,
  summary: z.array(changeSummarySchema),
});

export const variantDiffResponseSchema = z.object({
  flowId: z.string(),
  version: z.int(),
  node: z.string(),
  from: z.string(),
  to: z.string(),
  fields: z
    .array(fieldChangeSchema)
    .describe('What the node runs with under each variant: its config with the overrides.'),
});

export type FlowDiffResponse = z.infer<typeof flowDiffResponseSchema>;
export type VariantDiffResponse = z.infer<typeof variantDiffResponseSchema>;
