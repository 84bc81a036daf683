import type { RunEndEvent, RunEvent } from '@groundwork/runtime';
import type { Logger } from 'pino';
import type { RunNodeRecord, RunsRepository, StoredEvent } from './runs.repository.js';

/** How long token events may wait before they are written: one transaction per interval, not one per token. */
export const FLUSH_INTERVAL_MS = 50;

/** How long one write may hold the event loop before it lets other work run and carries on. */
export const WRITE_BUDGET_MS = 8;

/**
 * The record of one run as its events arrive: the events not yet written, and each node's record kept current in
 * memory so a write is an upsert of what changed. The RecordWriter decides when it is written.
 */
export class RunRecorder {
  private readonly nodes = new Map<string, RunNodeRecord>();
  private readonly changed = new Set<RunNodeRecord>();
  private pending: StoredEvent[] = [];
  /** Set when a write for this run failed (its run row is gone, say): nothing more is written for it. */
  lost = false;

  constructor(
    readonly runId: string,
    private readonly writer: RecordWriter,
    /** Whether `node-token` events go to the event log (the node records hold the text either way). */
    private readonly storeTokens = true,
  ) {}

  /** Takes an event; for the run's end, resolves once the run is written in full. */
  record(event: RunEvent, stored: StoredEvent): Promise<void> | undefined {
    if (this.lost) return event.type === 'run-end' ? Promise.resolve() : undefined;
    if (event.type === 'node-token' && !this.storeTokens) return undefined;
    this.pending.push(stored);
    this.apply(event);
    if (event.type === 'run-end') return this.writer.finish(this, event);
    this.writer.schedule(this, event.type !== 'node-token' && event.type !== 'node-start');
    return undefined;
  }

  /** Writes what is pending; called by the writer inside its transaction. */
  writePending(repository: RunsRepository): void {
    if (this.pending.length > 0) repository.appendEvents(this.runId, this.pending);
    if (this.changed.size > 0) repository.saveNodes(this.runId, this.changed);
    this.pending = [];
    this.changed.clear();
  }

  private apply(event: RunEvent): void {
    const time = new Date(event.time).toISOString();
    switch (event.type) {
      case 'node-start': {
        const node = this.node(event.scope, event.nodeId);
        node.status = 'running';
        node.nodeType = event.nodeType;
        node.variant = event.variant ?? null;
        node.attempts = event.attempt;
        node.inputs = event.inputs;
        node.startedAt ??= time;
        break;
      }
      case 'node-end': {
        const node = this.node(event.scope, event.nodeId);
        node.status = 'succeeded';
        node.attempts = event.attempts;
        node.outputs = event.outputs;
        node.error = null;
        node.inputTokens = event.usage?.inputTokens ?? null;
        node.outputTokens = event.usage?.outputTokens ?? null;
        node.endedAt = time;
        node.durationMs = event.durationMs;
        break;
      }
      case 'node-error': {
        const node = this.node(event.scope, event.nodeId);
        node.attempts = event.attempt;
        node.error = event.error;
        if (!event.willRetry) {
          node.status = event.error.code === 'cancelled' ? 'cancelled' : 'failed';
          node.endedAt = time;
          node.durationMs = event.durationMs;
        }
        break;
      }
      case 'node-skip': {
        const node = this.node(event.scope, event.nodeId);
        node.status = 'skipped';
        node.skipReason = event.reason;
        node.endedAt = time;
        break;
      }
      case 'run-end':
        // The engine reports every attempt it stops; a node still running here was stopped between events.
        for (const node of this.nodes.values()) {
          if (node.status !== 'running') continue;
          node.status = 'cancelled';
          node.endedAt = time;
          this.changed.add(node);
        }
        break;
    }
  }

  private node(scope: string | undefined, nodeId: string): RunNodeRecord {
    const key = `${scope ?? ''}\u0000${nodeId}`;
    let node = this.nodes.get(key);
    if (!node) {
      node = {
        nodeId,
        scope: scope ?? '',
        nodeType: null,
        status: 'running',
        variant: null,
        attempts: 0,
        inputs: null,
        outputs: null,
        error: null,
        skipReason: null,
        inputTokens: null,
        outputTokens: null,
        startedAt: null,
        endedAt: null,
        durationMs: null,
      };
      this.nodes.set(key, node);
    }
    this.changed.add(node);
    return node;
  }
}

/**
 * Writes the records of all runs in progress in shared transactions: node ends, skips and errors within a turn of
 * the event loop, token streams every FLUSH_INTERVAL_MS. Runs that end in the same turn are committed together
 * (group commit: many runs end together when a batch of generations finishes), each in a savepoint of its own with
 * its remaining events and its status; a run counts as ended only once that commit is done, so a run reported
 * complete is complete on disk even if the process dies next.
 */
export class RecordWriter {
  private readonly waiting = new Set<RunRecorder>();
  private readonly endings = new Map<RunRecorder, { end: RunEndEvent; written: () => void }>();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;

  constructor(
    private readonly repository: RunsRepository,
    private readonly log: Logger,
    private readonly intervalMs = FLUSH_INTERVAL_MS,
  ) {}

  schedule(recorder: RunRecorder, soon: boolean): void {
    this.waiting.add(recorder);
    if (soon) this.immediate ??= setImmediate(() => this.writeSome());
    else this.timer ??= setTimeout(() => this.writeSome(), this.intervalMs);
  }

  /** Queues a run's end for the next commit; resolves once it is written (or could not be, which is logged). */
  finish(recorder: RunRecorder, end: RunEndEvent): Promise<void> {
    this.waiting.delete(recorder);
    return new Promise((written) => {
      this.endings.set(recorder, { end, written });
      this.immediate ??= setImmediate(() => this.writeSome());
    });
  }

  /** Writes everything pending now (a read that must see it all, a shutdown). */
  flush(): void {
    while (this.endings.size > 0 || this.waiting.size > 0) this.writeSome(Number.POSITIVE_INFINITY);
  }

  /**
   * Writes what fits in WRITE_BUDGET_MS, in one transaction (each run in a savepoint of its own, so one failure stays
   * its own), run ends first since callers wait on them; the rest waits for the next turn of the event loop, so a
   * burst of many runs never holds up the server's other requests for long.
   */
  private writeSome(budgetMs = WRITE_BUDGET_MS): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const deadline = performance.now() + budgetMs;
    const written: (() => void)[] = [];
    const { db } = this.repository;
    const inSavepoint = (recorder: RunRecorder, write: () => void) => {
      try {
        db.transaction(write)();
      } catch (error) {
        this.lose(recorder, error);
      }
    };
    const taken: RunRecorder[] = [];
    try {
      db.transaction(() => {
        for (const [recorder, ending] of this.endings) {
          if (performance.now() > deadline && taken.length > 0) break;
          this.endings.delete(recorder);
          taken.push(recorder);
          inSavepoint(recorder, () => this.writeEnd(recorder, ending.end));
          written.push(ending.written);
        }
        for (const recorder of this.waiting) {
          if (performance.now() > deadline && taken.length > 0) break;
          this.waiting.delete(recorder);
          taken.push(recorder);
          inSavepoint(recorder, () => recorder.writePending(this.repository));
        }
      })();
    } catch (error) {
      for (const recorder of taken) this.lose(recorder, error);
    }
    for (const done of written) done();
    if (this.endings.size > 0 || this.waiting.size > 0) this.immediate = setImmediate(() => this.writeSome());
  }

  private writeEnd(recorder: RunRecorder, end: RunEndEvent): void {
    recorder.writePending(this.repository);
    const ended = this.repository.finishRun(recorder.runId, {
      status: end.status,
      outputs: end.outputs,
      error: end.error ?? null,
      endedAt: new Date(end.time).toISOString(),
      durationMs: end.durationMs,
    });
    if (!ended) throw new Error('the run is no longer in the database (was its flow deleted?)');
  }

  private lose(recorder: RunRecorder, error: unknown): void {
    recorder.lost = true;
    this.log.error({ err: error, runId: recorder.runId }, 'the run could not be recorded; its record stops here');
  }
}
