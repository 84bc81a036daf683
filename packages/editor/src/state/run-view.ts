import type { RunErrorInfo, RunEvent, RunStatus } from '@groundwork/runtime/schema';

export type NodeRunStatus = 'queued' | 'running' | 'done' | 'skipped' | 'error';

/** What the canvas shows of one node in a run. */
export interface NodeRun {
  status: NodeRunStatus;
  /** Generated text streamed so far (llm nodes). */
  text: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  error?: RunErrorInfo;
  skipReason?: string;
  attempts: number;
  durationMs?: number;
  usage?: { inputTokens: number; outputTokens: number };
}

/** A run as the editor follows it: live from its events, or rebuilt from a stored run's event log. */
export interface RunView {
  runId: string;
  status: RunStatus | 'running';
  /** Top-level nodes by id (events of map items and sub-flows are counted under their scope, not shown per node). */
  nodes: Record<string, NodeRun>;
  outputs?: Record<string, unknown>;
  error?: RunErrorInfo;
  durationMs?: number;
  /** The run's seed, from its run-start event (absent for runs recorded before runs had seeds). */
  seed?: number;
  lastSeq: number;
}

/** A run about to start: every node of the flow queued. */
export function startedRun(runId: string, nodeIds: readonly string[]): RunView {
  return {
    runId,
    status: 'running',
    nodes: Object.fromEntries(nodeIds.map((id) => [id, { status: 'queued', text: '', attempts: 0 }])),
    lastSeq: 0,
  };
}

/** The view after one more event (a new object; events already applied, by seq, change nothing). */
export function applyRunEvent(view: RunView, event: RunEvent): RunView {
  if (event.seq <= view.lastSeq) return view;
  const next: RunView = { ...view, lastSeq: event.seq };
  if (event.type === 'run-start') return event.seed !== undefined ? { ...next, seed: event.seed } : next;
  if (event.type === 'run-end') {
    return {
      ...next,
      status: event.status,
      outputs: event.outputs,
      durationMs: event.durationMs,
      ...(event.error ? { error: event.error } : {}),
    };
  }
  // Nodes inside map items and sub-flows run many times: their node on the canvas is the map or subflow node.
  if (event.scope !== undefined) return next;
  const current = view.nodes[event.nodeId] ?? { status: 'queued', text: '', attempts: 0 };
  let node: NodeRun;
  switch (event.type) {
    case 'node-start':
      node = {
        ...current,
        status: 'running',
        attempts: event.attempt,
        inputs: event.inputs,
        text: event.attempt > 1 ? '' : current.text,
      };
      break;
    case 'node-token':
      node = { ...current, text: current.text + event.text };
      break;
    case 'node-end':
      node = {
        ...current,
        status: 'done',
        outputs: event.outputs,
        durationMs: event.durationMs,
        attempts: event.attempts,
        ...(event.usage ? { usage: event.usage } : {}),
      };
      break;
    case 'node-skip':
      node = { ...current, status: 'skipped', skipReason: event.reason };
      break;
    case 'node-error':
      node = {
        ...current,
        error: event.error,
        status: event.willRetry ? 'running' : 'error',
        durationMs: event.durationMs,
      };
      break;
  }
  return { ...next, nodes: { ...next.nodes, [event.nodeId]: node } };
}
