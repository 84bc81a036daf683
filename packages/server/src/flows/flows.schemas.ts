/**
 * The flows API's requests and responses. Requests are checked with these (through parseRequest); the response
 * schemas describe what the service returns, for the OpenAPI document and for tests that hold the two together.
 */
import { flowSchema } from '@groundwork/runtime';
import { z } from 'zod';

// ---- requests

/** A flow id (`flw_…`) or name. */
export const flowIdOrNameSchema = z.string().min(1).max(200);

/** Version numbers in paths and queries arrive as text; anything but a whole number from 1 is refused. */
export const versionNumberTextSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, { error: 'must be a version number: a whole number from 1' })
  .transform(Number);

export const LABEL_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

/** Label names appear in URLs and in `?label=` of other features: lower case, identifier-like. */
export const labelNameSchema = z.string().max(64, { error: 'must be at most 64 characters' }).regex(LABEL_PATTERN, {
  error: 'must start with a lower-case letter or digit and contain only lower-case letters, digits, _ and -',
});

/** Notes are shown in version lists; long enough for a commit message, bounded so one cannot fill the database. */
export const versionNoteSchema = z.string().max(2000);

/**
 * The flow document as the client sent it. Its shape is checked by parseFlowDocument, after migrating older schema
 * versions, so the request schema only asks for an object.
 */
export const flowDocumentInputSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: 'A flow document (schemaVersion, name, inputs, outputs, nodes, edges), as in *.flow.yaml.' });

export const noQuerySchema = z.strictObject({});

export const flowParamsSchema = z.strictObject({ flow: flowIdOrNameSchema });
export const versionParamsSchema = z.strictObject({ flow: flowIdOrNameSchema, version: versionNumberTextSchema });
export const labelParamsSchema = z.strictObject({ flow: flowIdOrNameSchema, label: labelNameSchema });

export const createFlowBodySchema = z.strictObject({
  flow: flowDocumentInputSchema,
  note: versionNoteSchema.optional(),
});

export const updateFlowBodySchema = z.strictObject({
  flow: flowDocumentInputSchema,
  note: versionNoteSchema.optional(),
  /** The version the editor started from: when another was saved since, the save is refused instead of lost. */
  baseVersion: z.int().min(1).optional(),
});

export const setLabelBodySchema = z.strictObject({ version: z.int().min(1) });

/** `POST /api/flows/import`: the body is the YAML text. */
export const importQuerySchema = z.strictObject({ note: versionNoteSchema.optional() });
export const importBodySchema = z
  .string({ error: 'send the flow as YAML text' })
  .min(1, { error: 'is empty: send the flow as YAML text' });
export const IMPORT_CONTENT_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'];

export const exportQuerySchema = z.strictObject({ version: versionNumberTextSchema.optional() });

/** `POST /api/flows/:flow/versions/:version/restore`: the body is optional. */
export const restoreVersionBodySchema = z
  .strictObject({
    note: versionNoteSchema.optional().describe('The new version\'s note; "restored version N" by default.'),
  })
  .optional();

// ---- responses

export const flowSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  latestVersion: z.int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Label → version. */
  labels: z.record(z.string(), z.int()),
});

export const versionSummarySchema = z.object({
  version: z.int(),
  contentHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  schemaVersion: z.int(),
  note: z.string().nullable(),
  createdAt: z.iso.datetime(),
  /** The labels pointing at this version. */
  labels: z.array(z.string()),
});

/** One line of "what changed", attached to the node (and variant) it concerns. */
export const changeSummarySchema = z.object({
  kind: z.enum(['added', 'removed', 'renamed', 'changed', 'moved']),
  node: z.string().optional(),
  variant: z.string().optional(),
  text: z.string().describe('temperature 0 → 0.7, edited template (2 words removed, 3 added), ...'),
});

/** A version in a history: what changed from the version before it (nothing for version 1). */
export const versionHistoryEntrySchema = versionSummarySchema.extend({ changes: z.array(changeSummarySchema) });

/** What `POST /api/v1/flows/:name/run` serves: the version labelled production, else the latest (label: null). */
export const publishedVersionSchema = z.object({ version: z.int(), label: z.string().nullable() });

/** A version with its document, migrated to the current schema version. */
export const flowVersionSchema = versionSummarySchema.extend({ flowId: z.string(), flow: flowSchema });

/** What validateFlow found; saving does not wait for a flow to be valid, running does. */
export const flowProblemSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.array(z.union([z.string(), z.number()])),
  nodeId: z.string().optional(),
  edge: z.object({ from: z.string(), to: z.string() }).optional(),
  /** The problem in one line, with where it is. */
  text: z.string(),
});

export const flowListResponseSchema = z.object({ flows: z.array(flowSummarySchema) });

const flowWithVersionSchema = z.object({
  flow: flowSummarySchema,
  version: flowVersionSchema,
  problems: z.array(flowProblemSchema),
});

export const flowDetailResponseSchema = flowWithVersionSchema.extend({ published: publishedVersionSchema });

/**
 * POST, PUT and restore: `unchanged` when the document equals the latest version, which is then returned, not
 * copied.
 */
export const saveFlowResponseSchema = flowWithVersionSchema.extend({ unchanged: z.boolean() });

export const importFlowResponseSchema = saveFlowResponseSchema.extend({ created: z.boolean() });

export const versionListResponseSchema = z.object({
  versions: z.array(versionHistoryEntrySchema).describe('Newest first.'),
  published: publishedVersionSchema,
});
export const versionResponseSchema = z.object({ version: flowVersionSchema });
export const labelsResponseSchema = z.object({ labels: z.record(z.string(), z.int()) });
export const setLabelResponseSchema = z.object({
  label: z.string(),
  version: z.int(),
  labels: z.record(z.string(), z.int()),
});

export type FlowSummaryView = z.infer<typeof flowSummarySchema>;
export type VersionSummaryView = z.infer<typeof versionSummarySchema>;
export type VersionHistoryEntryView = z.infer<typeof versionHistoryEntrySchema>;
export type VersionListResponse = z.infer<typeof versionListResponseSchema>;
export type FlowVersionView = z.infer<typeof flowVersionSchema>;
export type FlowProblemView = z.infer<typeof flowProblemSchema>;
export type FlowDetailResponse = z.infer<typeof flowDetailResponseSchema>;
export type SaveFlowResponse = z.infer<typeof saveFlowResponseSchema>;
export type ImportFlowResponse = z.infer<typeof importFlowResponseSchema>;
