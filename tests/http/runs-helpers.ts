/**
 * Helpers for the runs and published-flow HTTP tests: flows to run, saving them into a server, and an SSE client.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Flow, loadFlowYaml } from '@groundwork/runtime';
import { goldenText, readGolden } from '../../packages/runtime/src/testing/model-fixtures.js';
import { openDatabase } from '../../packages/server/src/db/connection.js';
import { FlowsRepository } from '../../packages/server/src/flows/flows.repository.js';
import { ROOT, request, type ServerProcess } from './server-process.js';

export const GOLDEN = readGolden()[0]!;
/** ", there was a little girl named Lily. …": stories260K's greedy continuation of "Once upon a time". */
export const GOLDEN_TEXT = goldenText(GOLDEN);

export function exampleFlow(file: string): Flow {
  const parsed = loadFlowYaml(readFileSync(join(ROOT, 'examples', file), 'utf8'));
  if (!parsed.ok) throw new Error(`${file}: ${parsed.problems.map((problem) => problem.message).join('; ')}`);
  return parsed.flow;
}

/** prompt → llm (greedy; no `model`, so the server's only model, stories260K) → story. */
export function storyFlow(name: string, maxTokens = 48, variants?: Record<string, number>): Flow {
  const llm = variants
    ? {
        config: { temperature: 0 },
        variants: Object.entries(variants).map(([variant, tokens]) => ({
          name: variant,
          config: { maxTokens: tokens, temperature: 0 },
        })),
        defaultVariant: Object.keys(variants)[0],
      }
    : { config: { maxTokens, temperature: 0 } };
  return {
    schemaVersion: 1,
    name,
    inputs: { prompt: { type: 'text' } },
    outputs: { story: { type: 'text' } },
    nodes: [
      { id: 'prompt', type: 'input', position: { x: 0, y: 0 }, config: { name: 'prompt' } },
      { id: 'write', type: 'llm', position: { x: 280, y: 0 }, ...llm },
      { id: 'story', type: 'output', position: { x: 560, y: 0 }, config: { name: 'story' } },
    ],
    edges: [
      { from: 'prompt.value', to: 'write.prompt' },
      { from: 'write.text', to: 'story.value' },
    ],
  } as Flow;
}

/** Works on the server's database file beside the running server (WAL lets both write). */
export function withFlows<T>(server: ServerProcess, use: (flows: FlowsRepository) => T): T {
  const db = openDatabase(server.db);
  try {
    return use(new FlowsRepository(db));
  } finally {
    db.close();
  }
}

/**
 * Flow writes go through the flows API where the server has it, else straight into its database (the flows API is
 * written apart from the runs API; these tests need only that the flow is stored).
 */
async function throughApi(
  server: ServerProcess,
  method: string,
  path: string,
  body: unknown,
  fallback: (flows: FlowsRepository) => unknown,
): Promise<void> {
  const response = await request(server.url, method, path, body);
  if (response.status === 200 || response.status === 201) return;
  if (response.status !== 404 || !String(response.body?.error?.message).startsWith('no route')) {
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
  }
  withFlows(server, fallback);
}

export function saveFlow(server: ServerProcess, flow: Flow): Promise<void> {
  return throughApi(server, 'POST', '/api/flows', { flow }, (flows) => flows.create(flow, undefined));
}

/** Saves `flow` as the next version of the flow of the same name. */
export function saveVersion(server: ServerProcess, flow: Flow): Promise<void> {
  return throughApi(server, 'PUT', `/api/flows/${flow.name}`, { flow }, (flows) =>
    flows.addVersion(flows.find(flow.name)!.id, flow, undefined),
  );
}

export function setLabel(server: ServerProcess, name: string, label: string, version: number): Promise<void> {
  return throughApi(server, 'PUT', `/api/flows/${name}/labels/${label}`, { version }, (flows) =>
    flows.setLabel(flows.find(name)!.id, label, version),
  );
}

export interface SseEvent {
  id: string | undefined;
  event: string;
  data: unknown;
}

export interface SseResult {
  status: number;
  contentType: string | null;
  events: SseEvent[];
  comments: string[];
}

/**
 * Reads an SSE response to its end (or until `stopWhen` says so), parsing frames as EventSource does.
 * `onEvent` sees each event as it arrives, for tests that act in the middle of a stream.
 */
export async function readEvents(
  url: string,
  options: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    onEvent?: (event: SseEvent) => void | Promise<void>;
    stopWhen?: (event: SseEvent) => boolean;
  } = {},
): Promise<SseResult> {
  const abort = new AbortController();
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: abort.signal,
  });
  const result: SseResult = {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events: [],
    comments: [],
  };
  if (!response.body) return result;
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const event = parseFrame(frame, result.comments);
        if (!event) continue;
        result.events.push(event);
        await options.onEvent?.(event);
        if (options.stopWhen?.(event)) {
          abort.abort();
          return result;
        }
      }
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  }
  return result;
}

function parseFrame(frame: string, comments: string[]): SseEvent | undefined {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim());
    else if (line.startsWith('id: ')) id = line.slice(4);
    else if (line.startsWith('event: ')) event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  return data.length === 0 ? undefined : { id, event, data: JSON.parse(data.join('\n')) };
}

/** Polls until `check` returns a value other than undefined. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
