/**
 * Run events: the one stream that feeds the CLI (`--events`), the SSE endpoint, the run store and the editor.
 * Names are nouns-verbs. `seq` counts from 1 within a run, so a client can resume after the last one it saw.
 * `scope` is set on events of nodes inside a `map` item or `subflow` (e.g. `each[3]` or `outer/inner[0]`).
 */

export type RunStatus = 'succeeded' | 'failed' | 'cancelled';

export interface RunErrorInfo {
  code: string;
  message: string;
  nodeId?: string;
  scope?: string;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

interface EventBase {
  runId: string;
  seq: number;
  /** Milliseconds since the Unix epoch. */
  time: number;
}

interface NodeEventBase extends EventBase {
  nodeId: string;
  scope?: string;
}

export interface RunStartEvent extends EventBase {
  type: 'run-start';
  flow: string;
  inputs: Record<string, unknown>;
  /** The variant each node with variants runs with. */
  variants: Record<string, string>;
  /** The run's seed (see RunOptions.seed); absent in events recorded before runs had one. */
  seed?: number;
}

export interface NodeStartEvent extends NodeEventBase {
  type: 'node-start';
  nodeType: string;
  attempt: number;
  inputs: Record<string, unknown>;
  variant?: string;
}

export interface NodeTokenEvent extends NodeEventBase {
  type: 'node-token';
  text: string;
}

export interface NodeEndEvent extends NodeEventBase {
  type: 'node-end';
  outputs: Record<string, unknown>;
  durationMs: number;
  attempts: number;
  usage?: TokenUsage;
}

export interface NodeSkipEvent extends NodeEventBase {
  type: 'node-skip';
  reason: string;
}

export interface NodeErrorEvent extends NodeEventBase {
  type: 'node-error';
  attempt: number;
  error: RunErrorInfo;
  /** True when the node will be tried again after this failure. */
  willRetry: boolean;
  durationMs: number;
}

export interface RunEndEvent extends EventBase {
  type: 'run-end';
  status: RunStatus;
  outputs: Record<string, unknown>;
  durationMs: number;
  error?: RunErrorInfo;
}

export type RunEvent =
  | RunStartEvent
  | NodeStartEvent
  | NodeTokenEvent
  | NodeEndEvent
  | NodeSkipEvent
  | NodeErrorEvent
  | RunEndEvent;

export type RunEventType = RunEvent['type'];

export const RUN_EVENT_TYPES: readonly RunEventType[] = [
  'run-start',
  'node-start',
  'node-token',
  'node-end',
  'node-skip',
  'node-error',
  'run-end',
];
