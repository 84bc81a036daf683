import { z } from 'zod';
import { collectionOperations } from '../collections/collections.operations.js';
import { datasetOperations } from '../datasets/datasets.operations.js';
import { evaluationOperations } from '../evaluations/evaluations.openapi.js';
import * as diffs from '../flows/diff.schemas.js';
import * as flows from '../flows/flows.schemas.js';
import { modelsResponseSchema } from '../models/models.routes.js';
import * as openai from '../openai/openai.schemas.js';
import * as published from '../published/published.schemas.js';
import * as runs from '../runs/runs.schemas.js';
import type { Operation, ResponseDoc } from './openapi-builder.js';

/** The app's error body (HttpError.toBody). */
const errorSchema = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

const error = (description: string): ResponseDoc => ({ description, schema: errorSchema });
const openaiError = (description: string): ResponseDoc => ({ description, schema: openai.openaiErrorBodySchema });
const badRequest = error('The request names a field that is missing, unknown or of the wrong type.');
const notFound = error('No such flow (or version, label, run).');
const sse = (description: string): ResponseDoc => ({ description, contentType: 'text/event-stream' });

const healthSchema = z.object({
  status: z.literal('ok'),
  device: z.string(),
  eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
});

/** Every route of the API, for the OpenAPI document at /api/openapi.json. */
export const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/health',
    tag: 'server',
    summary: 'Whether the server is up, its device and event-loop lag',
    responses: { 200: { description: 'Up.', schema: healthSchema } },
  },
  {
    method: 'get',
    path: '/api/node-types',
    tag: 'server',
    summary: 'The node types flows can use, with their config schemas',
    responses: { 200: { description: 'The palette.' } },
  },
  {
    method: 'get',
    path: '/api/flows',
    tag: 'flows',
    summary: 'List flows',
    responses: { 200: { description: 'The flows.', schema: flows.flowListResponseSchema } },
  },
  {
    method: 'post',
    path: '/api/flows',
    tag: 'flows',
    summary: 'Save a new flow as version 1 (graph problems are returned, not refused)',
    body: flows.createFlowBodySchema,
    responses: {
      201: { description: 'Saved.', schema: flows.saveFlowResponseSchema },
      400: badRequest,
      409: error('The name is taken.'),
    },
  },
  {
    method: 'post',
    path: '/api/flows/import',
    tag: 'flows',
    summary: 'Import a *.flow.yaml: a new flow, or the next version of the flow of that name',
    query: flows.importQuerySchema,
    body: z.string(),
    bodyContentTypes: flows.IMPORT_CONTENT_TYPES,
    responses: {
      200: { description: 'A new version (or unchanged).', schema: flows.importFlowResponseSchema },
      201: { description: 'A new flow.', schema: flows.importFlowResponseSchema },
      400: badRequest,
    },
  },
  {
    method: 'get',
    path: '/api/flows/:flow',
    tag: 'flows',
    summary: 'A flow, its latest version and the version its published endpoint serves',
    params: flows.flowParamsSchema,
    responses: { 200: { description: 'The flow.', schema: flows.flowDetailResponseSchema }, 404: notFound },
  },
  {
    method: 'put',
    path: '/api/flows/:flow',
    tag: 'flows',
    summary: 'Save the next version (unchanged content saves nothing; a stale baseVersion is a conflict)',
    params: flows.flowParamsSchema,
    body: flows.updateFlowBodySchema,
    responses: {
      200: { description: 'Saved, or unchanged.', schema: flows.saveFlowResponseSchema },
      400: badRequest,
      404: notFound,
      409: error('Saved by someone else since baseVersion, or the name is taken.'),
    },
  },
  {
    method: 'delete',
    path: '/api/flows/:flow',
    tag: 'flows',
    summary: 'Delete a flow with its versions, labels and runs',
    params: flows.flowParamsSchema,
    responses: { 204: { description: 'Deleted.' }, 404: notFound, 409: error('A run of the flow is in progress.') },
  },
  {
    method: 'get',
    path: '/api/flows/:flow/versions',
    tag: 'flows',
    summary: 'The versions of a flow, newest first, each with what changed from the one before it',
    params: flows.flowParamsSchema,
    responses: { 200: { description: 'Versions.', schema: flows.versionListResponseSchema }, 404: notFound },
  },
  {
    method: 'post',
    path: '/api/flows/:flow/versions/:version/restore',
    tag: 'flows',
    summary: "Save a version's document as the next version (nothing is written when the latest already equals it)",
    params: flows.versionParamsSchema,
    body: flows.restoreVersionBodySchema,
    responses: {
      200: { description: 'Unchanged: the latest version has that content.', schema: flows.saveFlowResponseSchema },
      201: { description: 'Restored as a new version.', schema: flows.saveFlowResponseSchema },
      400: badRequest,
      404: notFound,
      409: error("Another flow has the version's name now."),
    },
  },
  {
    method: 'get',
    path: '/api/flows/:flow/diff',
    tag: 'flows',
    summary: 'What changed between two versions: structure, templates word by word, parameters, variants',
    params: flows.flowParamsSchema,
    query: diffs.flowDiffQuerySchema,
    responses: {
      200: { description: 'The diff and its summary.', schema: diffs.flowDiffResponseSchema },
      400: error('A version reference names no version or label (issues name query.from or query.to).'),
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/api/flows/:flow/variant-diff',
    tag: 'flows',
    summary: 'What differs between two variants of a node, in what the node runs with',
    params: flows.flowParamsSchema,
    query: diffs.variantDiffQuerySchema,
    responses: {
      200: { description: 'The changed fields.', schema: diffs.variantDiffResponseSchema },
      400: error('No such node with variants, variant or version (issues name the query field and what exists).'),
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/api/flows/:flow/versions/:version',
    tag: 'flows',
    summary: 'One version with its document',
    params: flows.versionParamsSchema,
    responses: {
      200: { description: 'The version.', schema: flows.versionResponseSchema },
      400: badRequest,
      404: notFound,
    },
  },
  {
    method: 'get',
    path: '/api/flows/:flow/labels',
    tag: 'flows',
    summary: 'Labels and the versions they point at',
    params: flows.flowParamsSchema,
    responses: { 200: { description: 'Labels.', schema: flows.labelsResponseSchema }, 404: notFound },
  },
  {
    method: 'put',
    path: '/api/flows/:flow/labels/:label',
    tag: 'flows',
    summary: 'Point a label (production, staging, ...) at a version',
    params: flows.labelParamsSchema,
    body: flows.setLabelBodySchema,
    responses: { 200: { description: 'Set.', schema: flows.setLabelResponseSchema }, 400: badRequest, 404: notFound },
  },
  {
    method: 'delete',
    path: '/api/flows/:flow/labels/:label',
    tag: 'flows',
    summary: 'Remove a label',
    params: flows.labelParamsSchema,
    responses: { 204: { description: 'Removed.' }, 404: notFound },
  },
  {
    method: 'get',
    path: '/api/flows/:flow/export',
    tag: 'flows',
    summary: 'A version as *.flow.yaml',
    params: flows.flowParamsSchema,
    query: flows.exportQuerySchema,
    responses: { 200: { description: 'The YAML file.', contentType: 'application/yaml' }, 404: notFound },
  },
  {
    method: 'post',
    path: '/api/flows/:flow/runs',
    tag: 'runs',
    summary: 'Run a stored version: wait for the result, or return at once (wait: false)',
    params: runs.flowParamsSchema,
    body: runs.startRunBodySchema,
    responses: {
      200: { description: 'The run, ended (a failed run included).', schema: runs.runResponseSchema },
      202: { description: 'Started; follow the Location header.', schema: runs.runResponseSchema },
      400: badRequest,
      404: notFound,
      422: error('The flow has problems (invalid-flow) or the inputs are wrong (invalid-inputs); nothing was written.'),
    },
  },
  {
    method: 'get',
    path: '/api/flows/:flow/runs',
    tag: 'runs',
    summary: 'Runs of a flow, newest first',
    params: runs.flowParamsSchema,
    query: runs.runListQuerySchema.omit({ flow: true }),
    responses: { 200: { description: 'Runs.', schema: runs.runListResponseSchema }, 404: notFound },
  },
  {
    method: 'get',
    path: '/api/runs',
    tag: 'runs',
    summary: 'Runs, newest first',
    query: runs.runListQuerySchema,
    responses: { 200: { description: 'Runs.', schema: runs.runListResponseSchema }, 400: badRequest },
  },
  {
    method: 'get',
    path: '/api/runs/:id',
    tag: 'runs',
    summary: 'A run with its per-node records',
    params: runs.runParamsSchema,
    responses: { 200: { description: 'The run.', schema: runs.runResponseSchema }, 404: notFound },
  },
  {
    method: 'get',
    path: '/api/runs/:id/events',
    tag: 'runs',
    summary: 'The run events as Server-Sent Events; resumes after Last-Event-ID',
    params: runs.runParamsSchema,
    query: runs.runEventsQuerySchema,
    responses: {
      200: sse('Events (id: seq, event: type, data: JSON) until run-end.'),
      204: { description: 'The run has ended and nothing is left to send.' },
      404: notFound,
    },
  },
  {
    method: 'post',
    path: '/api/runs/:id/cancel',
    tag: 'runs',
    summary: 'Cancel a run in progress',
    params: runs.runParamsSchema,
    responses: {
      202: { description: 'Cancelled.', schema: runs.runResponseSchema },
      404: notFound,
      409: error('The run has already ended.'),
    },
  },
  {
    method: 'post',
    path: '/api/runs/:id/replay',
    tag: 'runs',
    summary: 'Run the same version again with the same inputs, variants and seed (replayOf names the original)',
    params: runs.runParamsSchema,
    body: runs.replayRunBodySchema,
    responses: {
      200: { description: 'The replay, ended.', schema: runs.runResponseSchema },
      202: { description: 'Started; follow the Location header.', schema: runs.runResponseSchema },
      400: badRequest,
      404: notFound,
      409: error('The run was recorded before runs kept their seed: it cannot be replayed identically.'),
    },
  },
  {
    method: 'post',
    path: '/api/v1/flows/:name/run',
    tag: 'published',
    summary: 'Run a published flow (its production label, else its latest version); stream: true for SSE',
    apiKey: true,
    params: published.publishedParamsSchema,
    body: published.publishedRunBodySchema,
    responses: {
      200: {
        description: 'Outputs (or, with stream: true, the run events as SSE).',
        schema: published.publishedRunResponseSchema,
      },
      401: error('An API key is needed.'),
      404: notFound,
      422: {
        description: 'The run failed (run-failed) or the inputs are wrong (invalid-inputs).',
        schema: published.publishedRunFailureSchema,
      },
    },
  },
  {
    method: 'get',
    path: '/api/models',
    tag: 'models',
    summary: 'Local models, with the execution provider of those loaded',
    responses: { 200: { description: 'Models.', schema: modelsResponseSchema } },
  },
  {
    method: 'get',
    path: '/v1/models',
    tag: 'openai',
    summary: 'OpenAI-compatible model list',
    apiKey: true,
    responses: {
      200: { description: 'Models.', schema: openai.openaiModelListSchema },
      401: openaiError('An API key is needed.'),
    },
  },
  {
    method: 'post',
    path: '/v1/chat/completions',
    tag: 'openai',
    summary: 'OpenAI-compatible chat completion on a local model (stream: true for SSE chunks)',
    apiKey: true,
    body: openai.chatCompletionRequestSchema,
    responses: {
      200: { description: 'The completion (or SSE chunks ending in [DONE]).', schema: openai.chatCompletionSchema },
      400: openaiError('A parameter is wrong or unsupported (param names it), or the prompt is too long.'),
      401: openaiError('An API key is needed.'),
      404: openaiError('No such model.'),
    },
  },
  ...datasetOperations(error),
  ...collectionOperations(error),
  ...evaluationOperations(error),
];
