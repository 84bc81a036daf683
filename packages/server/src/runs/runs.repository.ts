import type { RunErrorInfo } from '@groundwork/runtime';
import type { Database } from '../db/connection.js';
import { statement } from '../db/statements.js';
import type { SubflowVersions } from '../flows/flow-references.js';

export type RunStatusValue = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';
export type NodeStatusValue = 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled' | 'interrupted';
/** Where a run came from: the management API, a published endpoint, a replay of another run, an evaluation item. */
export type RunSource = 'api' | 'published' | 'replay' | 'evaluation';

/** One node of a run (one per scope: map items and sub-flows have their own), as it stands. */
export interface RunNodeRecord {
  nodeId: string;
  /** '' for the run's own nodes; `each[3]`, `outer[1]/inner` inside map items and sub-flows. */
  scope: string;
  nodeType: string | null;
  status: NodeStatusValue;
  variant: string | null;
  attempts: number;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  error: RunErrorInfo | null;
  skipReason: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
}

export interface RunSummary {
  id: string;
  flowId: string;
  flowName: string;
  flowVersion: number;
  status: RunStatusValue;
  source: string;
  inputs: Record<string, unknown>;
  variants: Record<string, string>;
  /** The run's seed; null for runs recorded before runs kept their seed (they cannot be replayed identically). */
  seed: number | null;
  /** The run this one replays. */
  replayOf: string | null;
  /** The stored version each `{ ref }` sub-flow resolved to (empty: none, or recorded before runs kept them). */
  subflows: SubflowVersions;
  outputs: Record<string, unknown> | null;
  error: RunErrorInfo | null;
  createdAt: string;
  endedAt: string | null;
  durationMs: number | null;
}

export interface RunRecord extends RunSummary {
  nodes: RunNodeRecord[];
}

/** An event as stored and as sent over SSE: `data` is the event's JSON, serialised once. */
export interface StoredEvent {
  seq: number;
  type: string;
  data: string;
}

export interface NewRun {
  id: string;
  flowId: string;
  flowVersion: number;
  source: RunSource;
  inputs: Record<string, unknown>;
  variants: Record<string, string>;
  /** The seed the run samples with, recorded before it starts so that it can be replayed while it runs. */
  seed: number;
  replayOf?: string;
  subflows?: SubflowVersions;
  createdAt: string;
}

export interface RunEnding {
  status: Exclude<RunStatusValue, 'running' | 'interrupted'>;
  outputs: Record<string, unknown>;
  error: RunErrorInfo | null;
  endedAt: string;
  durationMs: number;
}

export interface RunListQuery {
  flowId?: string;
  status?: RunStatusValue;
  limit: number;
  /** A run id: lists the runs created before it (the next page). */
  before?: string;
}

interface RunRow {
  id: string;
  flow_id: string;
  flow_name: string;
  flow_version: number;
  status: RunStatusValue;
  source: string;
  inputs: string;
  variants: string;
  seed: number | null;
  replay_of: string | null;
  subflows: string | null;
  outputs: string | null;
  error: string | null;
  created_at: string;
  ended_at: string | null;
  duration_ms: number | null;
}

interface NodeRow {
  scope: string;
  node_id: string;
  node_type: string | null;
  status: NodeStatusValue;
  variant: string | null;
  attempts: number;
  inputs: string | null;
  outputs: string | null;
  error: string | null;
  skip_reason: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
}

const RUN_COLUMNS = 'r.*, f.name AS flow_name';

/** Runs, their node records and event logs. Callers group writes into transactions (see RecordWriter). */
export class RunsRepository {
  private readonly insertEvent;
  private readonly upsertNode;

  constructor(readonly db: Database) {
    this.insertEvent = statement(db, 'INSERT INTO run_events (run_id, seq, type, data) VALUES (?, ?, ?, ?)');
    this.upsertNode = statement(
      db,
      `INSERT INTO run_nodes (run_id, scope, node_id, node_type, status, variant, attempts, inputs, outputs, error,
         skip_reason, input_tokens, output_tokens, started_at, ended_at, duration_ms)
       VALUES (@runId, @scope, @nodeId, @nodeType, @status, @variant, @attempts, @inputs, @outputs, @error,
         @skipReason, @inputTokens, @outputTokens, @startedAt, @endedAt, @durationMs)
       ON CONFLICT (run_id, scope, node_id) DO UPDATE SET node_type = excluded.node_type, status = excluded.status,
         variant = excluded.variant, attempts = excluded.attempts, inputs = excluded.inputs,
         outputs = excluded.outputs, error = excluded.error, skip_reason = excluded.skip_reason,
         input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
         started_at = excluded.started_at, ended_at = excluded.ended_at, duration_ms = excluded.duration_ms`,
    );
  }

  insertRun(run: NewRun): void {
    statement(
      this.db,
      `INSERT INTO runs (id, flow_id, flow_version, status, source, inputs, variants, seed, replay_of, subflows,
         created_at) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      run.id,
      run.flowId,
      run.flowVersion,
      run.source,
      JSON.stringify(run.inputs),
      JSON.stringify(run.variants),
      run.seed,
      run.replayOf ?? null,
      run.subflows && Object.keys(run.subflows).length > 0 ? JSON.stringify(run.subflows) : null,
      run.createdAt,
    );
  }

  appendEvents(runId: string, events: readonly StoredEvent[]): void {
    for (const event of events) this.insertEvent.run(runId, event.seq, event.type, event.data);
  }

  saveNodes(runId: string, nodes: Iterable<RunNodeRecord>): void {
    for (const node of nodes) {
      this.upsertNode.run({
        ...node,
        runId,
        inputs: json(node.inputs),
        outputs: json(node.outputs),
        error: json(node.error),
      });
    }
  }

  /** Ends a running run; false when there is no such run still running (deleted with its flow). */
  finishRun(runId: string, ending: RunEnding): boolean {
    const result = statement(
      this.db,
      `UPDATE runs SET status = ?, outputs = ?, error = ?, ended_at = ?, duration_ms = ?
         WHERE id = ? AND status = 'running'`,
    ).run(ending.status, JSON.stringify(ending.outputs), json(ending.error), ending.endedAt, ending.durationMs, runId);
    return result.changes > 0;
  }

  summary(id: string): RunSummary | undefined {
    const row = statement(
      this.db,
      `SELECT ${RUN_COLUMNS} FROM runs r JOIN flows f ON f.id = r.flow_id WHERE r.id = ?`,
    ).get(id) as RunRow | undefined;
    return row && toSummary(row);
  }

  get(id: string): RunRecord | undefined {
    const summary = this.summary(id);
    if (!summary) return undefined;
    // rowid order is the order nodes first appeared in the run: an upsert keeps a row's rowid.
    const rows = statement(this.db, 'SELECT * FROM run_nodes WHERE run_id = ? ORDER BY rowid').all(id) as NodeRow[];
    return { ...summary, nodes: rows.map(toNode) };
  }

  /** Newest first; `before` pages on (created_at, id), which stays stable while new runs arrive. */
  list(query: RunListQuery): RunSummary[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.flowId) {
      where.push('r.flow_id = ?');
      values.push(query.flowId);
    }
    if (query.status) {
      where.push('r.status = ?');
      values.push(query.status);
    }
    if (query.before) {
      where.push(
        '(r.created_at < (SELECT created_at FROM runs WHERE id = ?) OR (r.created_at = (SELECT created_at FROM runs WHERE id = ?) AND r.id < ?))',
      );
      values.push(query.before, query.before, query.before);
    }
    const rows = statement(
      this.db,
      `SELECT ${RUN_COLUMNS} FROM runs r JOIN flows f ON f.id = r.flow_id
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
    ).all(...values, query.limit) as RunRow[];
    return rows.map(toSummary);
  }

  exists(id: string): boolean {
    return statement(this.db, 'SELECT 1 FROM runs WHERE id = ?').get(id) !== undefined;
  }

  events(runId: string, afterSeq: number): StoredEvent[] {
    return statement(this.db, 'SELECT seq, type, data FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq').all(
      runId,
      afterSeq,
    ) as StoredEvent[];
  }

  /** Runs a process left `running` when it died, with their running nodes, become `interrupted`. */
  markInterrupted(endedAt: string): number {
    return this.db.transaction(() => {
      statement(
        this.db,
        `UPDATE run_nodes SET status = 'interrupted', ended_at = ?
           WHERE status = 'running' AND run_id IN (SELECT id FROM runs WHERE status = 'running')`,
      ).run(endedAt);
      const error = { code: 'interrupted', message: 'the server stopped while the run was in progress' };
      return statement(
        this.db,
        `UPDATE runs SET status = 'interrupted', error = ?, ended_at = ? WHERE status = 'running'`,
      ).run(JSON.stringify(error), endedAt).changes;
    })();
  }
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function parse<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toSummary(row: RunRow): RunSummary {
  return {
    id: row.id,
    flowId: row.flow_id,
    flowName: row.flow_name,
    flowVersion: row.flow_version,
    status: row.status,
    source: row.source,
    inputs: JSON.parse(row.inputs),
    variants: JSON.parse(row.variants),
    seed: row.seed,
    replayOf: row.replay_of,
    subflows: parse<SubflowVersions>(row.subflows) ?? {},
    outputs: parse(row.outputs),
    error: parse(row.error),
    createdAt: row.created_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
  };
}

function toNode(row: NodeRow): RunNodeRecord {
  return {
    nodeId: row.node_id,
    scope: row.scope,
    nodeType: row.node_type,
    status: row.status,
    variant: row.variant,
    attempts: row.attempts,
    inputs: parse(row.inputs),
    outputs: parse(row.outputs),
    error: parse(row.error),
    skipReason: row.skip_reason,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
  };
}
