/**
 * A test double for the Groundwork server: a `fetch` that routes by method and path to handlers the test gives,
 * records every request, and answers what the real routes answer (JSON bodies, error bodies, SSE streams). The
 * real server is exercised by the Playwright tests in tests/.
 */
import type { Flow, FlowProblem, RunEvent } from '@groundwork/runtime/schema';
import type { RunRecord, SavedFlow, VersionEntry } from '../api/client.js';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  params: Record<string, string>;
  headers: Headers;
}

/** A handler answers with a Response, or `{ status, body }` sent as JSON. */
export type FakeReply = Response | { status?: number; body?: unknown };
type Handler = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: Handler;
}

export interface FakeServer {
  fetch: typeof fetch;
  requests: FakeRequest[];
  /** `path` may hold `:name` parameters; a later route for the same path wins. */
  on(method: string, path: string, handler: Handler): FakeServer;
  /** The requests made to one method and path (parameters as written in `on`). */
  calls(method: string, path: string): FakeRequest[];
}

export function fakeServer(): FakeServer {
  const routes: Route[] = [];
  const requests: FakeRequest[] = [];
  const server: FakeServer = {
    requests,
    on(method, path, handler) {
      const keys: string[] = [];
      const source = path.replace(/:([A-Za-z]+)/g, (_match, key: string) => {
        keys.push(key);
        return '([^/]+)';
      });
      routes.unshift({ method, pattern: new RegExp(`^${source}$`), keys, handler });
      return server;
    },
    calls(method, path) {
      const route = new RegExp(`^${path.replace(/:([A-Za-z]+)/g, '[^/]+')}$`);
      return requests.filter((request) => request.method === method && route.test(request.path));
    },
    fetch: (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const url = new URL(String(input), 'http://localhost');
      const method = (init.method ?? 'GET').toUpperCase();
      const text = typeof init.body === 'string' ? init.body : undefined;
      const headers = new Headers(init.headers);
      let body: unknown = text;
      // JSON bodies are parsed; JSON Lines (`application/x-ndjson`) stay text, as the server reads them line by line.
      if (text !== undefined && /^application\/([\w.-]+\+)?json\b/.test(headers.get('content-type') ?? ''))
        body = JSON.parse(text);
      for (const route of routes) {
        const match = route.method === method ? route.pattern.exec(url.pathname) : null;
        if (!match) continue;
        const params = Object.fromEntries(route.keys.map((key, index) => [key, decodeURIComponent(match[index + 1]!)]));
        const request: FakeRequest = { method, path: url.pathname, query: url.searchParams, body, params, headers };
        requests.push(request);
        const reply = await route.handler(request);
        return reply instanceof Response ? reply : json(reply.status ?? 200, reply.body);
      }
      requests.push({ method, path: url.pathname, query: url.searchParams, body, params: {}, headers });
      return apiError(404, 'not-found', `no route for ${method} ${url.pathname}`);
    }) as typeof fetch,
  };
  server.on('GET', '/api/health', () => ({ body: { status: 'ok', device: 'cpu' } }));
  return server;
}

export function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

/** An error as the server's error middleware writes it. */
export function apiError(
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): Response {
  return json(status, { error: { code, message, ...details } });
}

/** A run's event stream that the test feeds event by event, as a live run would. */
export function eventStream(): { response: Response; push(event: RunEvent): void; end(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(start) {
      controller = start;
    },
  });
  return {
    response: new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    push(event) {
      controller.enqueue(encoder.encode(`id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`));
    },
    end() {
      controller.close();
    },
  };
}

/** An event stream of named events (`event: NAME`), as the evaluation stream sends them, fed by the test. */
export function namedEventStream(): { response: Response; push(event: string, data: unknown): void; end(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(start) {
      controller = start;
    },
  });
  return {
    response: new Response(stream, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
    push(event, data) {
      controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    },
    end() {
      controller.close();
    },
  };
}

/** A finished run's stored events, replayed at once and closed. */
export function storedEvents(events: RunEvent[]): Response {
  const stream = eventStream();
  for (const event of events) stream.push(event);
  stream.end();
  return stream.response;
}

export function savedFlow(
  flow: Flow,
  options: { id?: string; version?: number; problems?: FlowProblem[]; unchanged?: boolean } = {},
): SavedFlow {
  const time = '2026-05-01T10:00:00.000Z';
  const version = options.version ?? 1;
  return {
    flow: {
      id: options.id ?? `flow_${flow.name}`,
      name: flow.name,
      description: flow.description ?? null,
      latestVersion: version,
      createdAt: time,
      updatedAt: time,
      labels: {},
    },
    version: { version, contentHash: `hash${version}`, note: null, createdAt: time, flow },
    problems: options.problems ?? [],
    ...(options.unchanged ? { unchanged: true } : {}),
  };
}

/** A version as the version list gives it; its time is `version` hours after a fixed start. */
export function versionEntry(version: number, overrides: Partial<VersionEntry> = {}): VersionEntry {
  return {
    version,
    contentHash: `sha256:${String(version).padStart(64, '0')}`,
    schemaVersion: 1,
    note: null,
    createdAt: new Date(Date.UTC(2026, 4, 1, version)).toISOString(),
    labels: [],
    changes: [],
    ...overrides,
  };
}

export function runRecord(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'run_1',
    flowId: 'flow_demo',
    flowName: 'demo',
    flowVersion: 1,
    status: 'running',
    inputs: {},
    variants: {},
    outputs: null,
    error: null,
    createdAt: new Date().toISOString(),
    endedAt: null,
    durationMs: null,
    seed: null,
    replayOf: null,
    ...overrides,
  };
}

/** Events of one run with seq numbers and times filled in, from their distinct parts. */
export function runEvents(runId: string, events: DistributiveOmit<RunEvent, 'runId' | 'seq' | 'time'>[]): RunEvent[] {
  return events.map((event, index) => ({ ...event, runId, seq: index + 1, time: 1_000 + index }) as RunEvent);
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
