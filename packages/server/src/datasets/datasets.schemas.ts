/**
 * The datasets API's requests and responses: requests are checked with these (parseRequest); the response schemas
 * describe the service's results for the OpenAPI document.
 */
import { DATASET_CONTENT_TYPES, DATASET_FORMATS, flowNameSchema } from '@groundwork/runtime';
import { z } from 'zod';

export const UPLOAD_CONTENT_TYPES = DATASET_CONTENT_TYPES;

/** The largest upload, unless the app is given another limit: 50 MB. */
export const DEFAULT_DATASET_BODY_LIMIT = 50 * 1024 * 1024;

/** Dataset names follow the rules of flow names: they appear in URLs and on command lines. */
export const datasetNameSchema = flowNameSchema;

export const datasetIdOrNameSchema = z.string().min(1).max(200);

export const datasetParamsSchema = z.strictObject({
  dataset: datasetIdOrNameSchema.describe('A dataset id (`dst_…`) or name.'),
});

export const uploadQuerySchema = z.strictObject({ name: datasetNameSchema.describe("The new dataset's name.") });

export const uploadBodySchema = z
  .string({ error: 'send the dataset file as the body' })
  .min(1, { error: 'is empty: send the dataset file as the body' });

export const DEFAULT_ROW_PAGE = 50;
export const MAX_ROW_PAGE = 1000;

/** Paging arrives as query text; anything but a whole number in range is refused. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, { error: 'must be a whole number' })
    .transform(Number)
    .pipe(z.number().min(min).max(max));

export const rowsQuerySchema = z.strictObject({
  offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).optional().describe('The first row (from 0).'),
  limit: wholeNumber(1, MAX_ROW_PAGE).optional().describe(`How many rows (${DEFAULT_ROW_PAGE} by default).`),
});

export const noQuerySchema = z.strictObject({});

// ---- responses

export const datasetSchema = z.object({
  id: z.string().describe('`dst_…`'),
  name: z.string(),
  format: z.enum(DATASET_FORMATS as ['jsonl', 'csv', 'json']),
  columns: z.array(z.string()),
  rowCount: z.int(),
  contentHash: z.string().describe('`sha256:` and the SHA-256 of the rows as canonical JSON.'),
  createdAt: z.iso.datetime(),
});

export type Dataset = z.infer<typeof datasetSchema>;

export const datasetRowSchema = z.object({
  index: z.int().describe("The row's place in the file, from 0."),
  values: z.record(z.string(), z.unknown()),
});

export type DatasetRowView = z.infer<typeof datasetRowSchema>;

export const datasetResponseSchema = z.object({ dataset: datasetSchema });
export const datasetListResponseSchema = z.object({ datasets: z.array(datasetSchema) });
export const datasetRowsResponseSchema = z.object({ dataset: datasetSchema, rows: z.array(datasetRowSchema) });
