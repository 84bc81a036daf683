import type { ChangeSummary, FieldChange, FlowDiff } from '@groundwork/runtime/diff';
import type { Flow, FlowProblem, RunEvent } from '@groundwork/runtime/schema';
import { collectionApi } from './collections-api.js';
import type {
  Comparison,
  Dataset,
  DatasetRow,
  Evaluation,
  EvaluationEvent,
  EvaluationProgress,
  EvaluationRequest,
  EvaluationResult,
  EvaluationSummary,
  Preference,
  ResultStatus,
  SideRef,
} from './evaluation-types.js';

export type * from './collection-types.js';
export type * from './evaluation-types.js';

/** What the server says when it refuses a request: a code clients switch on and a message naming the field. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export interface FlowSummary {
  id: string;
  name: string;
  description: string | null;
  latestVersion: number;
  createdAt: string;
  updatedAt: string;
  labels: Record<string, number>;
}

export interface FlowVersion {
  version: number;
  contentHash: string;
  note: string | null;
  createdAt: string;
  flow: Flow;
}

/** A version as version lists show it: everything but the document. */
export interface VersionSummary {
  version: number;
  contentHash: string;
  schemaVersion: number;
  note: string | null;
  createdAt: string;
  /** The labels pointing at this version. */
  labels: string[];
}

/** A version in the history, with what changed from the version before it (none for version 1). */
export interface VersionEntry extends VersionSummary {
  changes: ChangeSummary[];
}

/** What `POST /api/v1/flows/{name}/run` serves: the `production` label's version, else the latest (label null). */
export interface PublishedVersion {
  version: number;
  label: string | null;
}

export interface VersionHistory {
  /** Newest first. */
  versions: VersionEntry[];
  published: PublishedVersion;
}

export interface VersionDiff {
  flowId: string;
  from: VersionSummary;
  to: VersionSummary;
  diff: FlowDiff;
  summary: ChangeSummary[];
}

export interface VariantDiffResult {
  flowId: string;
  version: number;
  node: string;
  from: string;
  to: string;
  fields: FieldChange[];
}

/** A version reference the server resolves: a version number, a label, or `latest`. */
export type VersionRef = number | string;

export interface SavedFlow {
  flow: FlowSummary;
  version: FlowVersion;
  problems: FlowProblem[];
  unchanged?: boolean;
  created?: boolean;
  /** What the published endpoint serves (`GET /api/flows/:flow` only). */
  published?: PublishedVersion;
}

export interface RunRecord {
  id: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  status: 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
  inputs: Record<string, unknown>;
  variants: Record<string, string>;
  outputs: Record<string, unknown> | null;
  error: { code: string; message: string; nodeId?: string } | null;
  createdAt: string;
  endedAt: string | null;
  durationMs: number | null;
  /** The seed its sampling derived from; null for runs recorded before runs had seeds (they cannot be replayed). */
  seed: number | null;
  /** The run this one replays, when it is a replay. */
  replayOf: string | null;
}

async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        ...(body === undefined || typeof body === 'string' ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(
      0,
      'unreachable',
      `the Groundwork server cannot be reached (${(error as Error).message})`,
      undefined,
    );
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http-error',
      error?.message ?? `HTTP ${response.status}`,
      parsed,
    );
  }
  return parsed as T;
}

const path = (flow: string) => `/api/flows/${encodeURIComponent(flow)}`;

/** `?a=1&b=x` from the parameters that are set, or nothing. */
function query(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The server's API, as the editor uses it. */
export const api = {
  listFlows: () => call<{ flows: FlowSummary[] }>('GET', '/api/flows').then((body) => body.flows),
  getFlow: (flow: string) => call<SavedFlow>('GET', path(flow)),
  createFlow: (flow: Flow, note?: string) => call<SavedFlow>('POST', '/api/flows', { flow, ...(note ? { note } : {}) }),
  saveFlow: (id: string, flow: Flow, baseVersion: number, note?: string) =>
    call<SavedFlow>('PUT', path(id), { flow, baseVersion, ...(note ? { note } : {}) }),
  importYaml: (yaml: string) =>
    call<SavedFlow>('POST', '/api/flows/import', yaml, { 'content-type': 'application/yaml' }),
  exportUrl: (flow: string, version?: number) => `${path(flow)}/export${version ? `?version=${version}` : ''}`,
  /** The versions, newest first, each with what changed from the one before, and the version the endpoint serves. */
  getVersions: (flow: string) => call<VersionHistory>('GET', `${path(flow)}/versions`),
  getVersion: (flow: string, version: number) =>
    call<{ version: FlowVersion }>('GET', `${path(flow)}/versions/${version}`).then((body) => body.version),
  /** `to` defaults to the latest version, `from` to the version before `to`. */
  getDiff: (flow: string, from?: VersionRef, to?: VersionRef) =>
    call<VersionDiff>('GET', `${path(flow)}/diff${query({ from, to })}`),
  /** Two variants of one node compared in a stored version (the latest unless `version` says otherwise). */
  getVariantDiff: (flow: string, request: { node: string; from: string; to: string; version?: VersionRef }) =>
    call<VariantDiffResult>('GET', `${path(flow)}/variant-diff${query(request)}`),
  /** A new version with the content of `version`; `unchanged` when the latest version already has that content. */
  restoreVersion: (flow: string, version: number, note?: string) =>
    call<SavedFlow>('POST', `${path(flow)}/versions/${version}/restore`, note ? { note } : {}),
  /** Points `label` at `version` (moving it when it pointed elsewhere). */
  setLabel: (flow: string, label: string, version: number) =>
    call<{ label: string; version: number; labels: Record<string, number> }>(
      'PUT',
      `${path(flow)}/labels/${encodeURIComponent(label)}`,
      { version },
    ),
  deleteLabel: (flow: string, label: string) =>
    call<void>('DELETE', `${path(flow)}/labels/${encodeURIComponent(label)}`),
  startRun: (
    flow: string,
    body: { inputs: Record<string, unknown>; variants?: Record<string, string>; version?: number; seed?: number },
  ) => call<{ run: RunRecord }>('POST', `${path(flow)}/runs`, { ...body, wait: false }).then((result) => result.run),
  /** A new run of the same version with the same inputs, variants and seed; followed like any run (wait: false). */
  replayRun: (runId: string) =>
    call<{ run: RunRecord }>('POST', `/api/runs/${encodeURIComponent(runId)}/replay`, { wait: false }).then(
      (result) => result.run,
    ),
  getRun: (runId: string) =>
    call<{ run: RunRecord & { nodes: unknown[] } }>('GET', `/api/runs/${runId}`).then((body) => body.run),
  listRuns: (flow: string, limit = 20) =>
    call<{ runs: RunRecord[] }>('GET', `${path(flow)}/runs?limit=${limit}`).then((body) => body.runs),
  cancelRun: (runId: string) => call<{ run: RunRecord }>('POST', `/api/runs/${runId}/cancel`),
  listModels: () => call<{ device: string; models: { name: string; problem?: string }[] }>('GET', '/api/models'),
  ...evaluationApi(),
  ...collectionApi(call),
};

const datasetPath = (dataset: string) => `/api/datasets/${encodeURIComponent(dataset)}`;
const evaluationPath = (evaluation: string) => `/api/evaluations/${encodeURIComponent(evaluation)}`;

/** `EVALUATION_ID:COMBINATION`, as the compare and preference endpoints name a side. */
export const sideRefText = (side: SideRef) => `${side.evaluation}:${side.combination}`;

/** Cancel and resume answer the evaluation; accepted bare or wrapped as `{ evaluation }` like the other routes. */
const unwrapEvaluation = (body: Evaluation | { evaluation: Evaluation }): Evaluation =>
  'evaluation' in body ? body.evaluation : body;

/** Datasets, evaluations, comparisons and preferences (issue 7). */
function evaluationApi() {
  return {
    listDatasets: () => call<{ datasets: Dataset[] }>('GET', '/api/datasets').then((body) => body.datasets),
    /** The dataset and one page of its rows. */
    getDataset: (dataset: string, page: { offset?: number; limit?: number } = {}) =>
      call<{ dataset: Dataset; rows: DatasetRow[] }>('GET', `${datasetPath(dataset)}${query(page)}`),
    /** Stores a file's rows as a dataset; the content type names the format (JSONL, CSV or a JSON array). */
    uploadDataset: (name: string, text: string, contentType: string) =>
      call<{ dataset: Dataset }>('POST', `/api/datasets${query({ name })}`, text, { 'content-type': contentType }).then(
        (body) => body.dataset,
      ),
    deleteDataset: (dataset: string) => call<void>('DELETE', datasetPath(dataset)),
    listEvaluations: (filter: { flow?: string; limit?: number } = {}) =>
      call<{ evaluations: Evaluation[] }>('GET', `/api/evaluations${query(filter)}`).then((body) => body.evaluations),
    getEvaluation: (evaluation: string) =>
      call<{ evaluation: Evaluation; summary: EvaluationSummary }>('GET', evaluationPath(evaluation)),
    /** Creates the evaluation, which starts running at once. */
    startEvaluation: (request: EvaluationRequest) =>
      call<{ evaluation: Evaluation }>('POST', '/api/evaluations', request).then((body) => body.evaluation),
    cancelEvaluation: (evaluation: string) =>
      call<Evaluation | { evaluation: Evaluation }>('POST', `${evaluationPath(evaluation)}/cancel`).then(
        unwrapEvaluation,
      ),
    /** Goes on with an interrupted, cancelled or failed evaluation; rows already done are not run again. */
    resumeEvaluation: (evaluation: string) =>
      call<Evaluation | { evaluation: Evaluation }>('POST', `${evaluationPath(evaluation)}/resume`).then(
        unwrapEvaluation,
      ),
    deleteEvaluation: (evaluation: string) => call<void>('DELETE', evaluationPath(evaluation)),
    getResults: (
      evaluation: string,
      filter: { combination?: number; offset?: number; limit?: number; status?: ResultStatus } = {},
    ) =>
      call<{ results: EvaluationResult[]; total: number }>(
        'GET',
        `${evaluationPath(evaluation)}/results${query(filter)}`,
      ),
    /** The paired comparison of side B against side A on their shared rows (difference = b − a). */
    compare: (a: SideRef, b: SideRef, metric: string) =>
      call<Comparison>('GET', `/api/evaluations/compare${query({ a: sideRefText(a), b: sideRefText(b), metric })}`),
    /** Stores which answer a person prefers for one row of a pair of sides (replacing an earlier choice). */
    setPreference: (a: SideRef, b: SideRef, row: number, preferred: Preference) =>
      call<unknown>('PUT', '/api/evaluations/preferences', { a: sideRefText(a), b: sideRefText(b), row, preferred }),
    clearPreference: (a: SideRef, b: SideRef, row: number) =>
      call<void>('DELETE', `/api/evaluations/preferences${query({ a: sideRefText(a), b: sideRefText(b), row })}`),
  };
}

/**
 * Follows a run's events (SSE) until run-end; `after` resumes after the events already seen. Resolves when the
 * stream ends; `signal` stops following (the run goes on).
 */
export async function followRun(
  runId: string,
  onEvent: (event: RunEvent) => void,
  options: { after?: number; signal?: AbortSignal } = {},
): Promise<void> {
  await followEventStream(
    `/api/runs/${runId}/events${options.after ? `?after=${options.after}` : ''}`,
    `run ${runId}`,
    (frame) => onEvent(JSON.parse(frame.data) as RunEvent),
    options.signal,
  );
}

/** Opens an SSE endpoint and reads it to its end; 204 (nothing more to send) ends at once. */
async function followEventStream(
  url: string,
  what: string,
  onFrame: (frame: EventFrame) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream' },
    ...(signal ? { signal } : {}),
  });
  if (response.status === 204 || !response.body) return;
  if (!response.ok)
    throw new ApiError(response.status, 'http-error', `cannot follow ${what} (HTTP ${response.status})`, undefined);
  await readEventStream(response.body, onFrame);
}

/** One message of a server-sent event stream: its `event:` name (empty when it has none) and its `data:`. */
interface EventFrame {
  event: string;
  data: string;
}

/** Reads an SSE body to its end, calling `onFrame` for every message that carries data. */
async function readEventStream(
  body: NonNullable<Response['body']>,
  onFrame: (frame: EventFrame) => void,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let boundary = buffer.indexOf('\n\n');
    while (boundary >= 0) {
      const lines = buffer.slice(0, boundary).split('\n');
      buffer = buffer.slice(boundary + 2);
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      const event =
        lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim() ?? '';
      if (data) onFrame({ event, data });
      boundary = buffer.indexOf('\n\n');
    }
  }
}

/**
 * Follows an evaluation's events (SSE: `progress`, `item-end`, `evaluation-end`) until the stream ends; a finished
 * evaluation answers its end at once. `signal` stops following (the evaluation goes on).
 */
export async function followEvaluation(
  evaluationId: string,
  onEvent: (event: EvaluationEvent) => void,
  options: { signal?: AbortSignal } = {},
): Promise<void> {
  await followEventStream(
    `${evaluationPath(evaluationId)}/events`,
    `evaluation ${evaluationId}`,
    (frame) => {
      const data = JSON.parse(frame.data) as Record<string, unknown>;
      // The event name says what it is; a message without one may say it in its data instead.
      const type = frame.event || (typeof data.type === 'string' ? data.type : '');
      if (type === 'progress') onEvent({ type, progress: (data.progress ?? data) as EvaluationProgress });
      else if (type === 'item-end' || type === 'evaluation-end') onEvent({ ...data, type } as EvaluationEvent);
    },
    options.signal,
  );
}
