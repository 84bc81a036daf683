import {
  type CheckedRequest,
  type CompiledFlow,
  checkRunRequest,
  newRunSeed,
  type RunEvent,
  runFlow,
} from '@groundwork/runtime';
import type { AppContext } from '../context.js';
import type { SubflowVersions } from '../flows/flow-references.js';
import { resolveScorer } from '../groundedness/scorers.js';
import { HttpError } from '../http/http-error.js';
import { newId, now } from '../ids.js';
import { CompiledFlows } from './compiled-flows.js';
import { LiveRun } from './live-run.js';
import { RecordWriter, RunRecorder } from './run-recorder.js';
import type { EventSource } from './run-stream.js';
import {
  type RunListQuery,
  type RunRecord,
  type RunSource,
  type RunSummary,
  RunsRepository,
  type StoredEvent,
} from './runs.repository.js';

export interface StartRun {
  /** The flow's id or name. */
  flow: string;
  version?: number;
  label?: string;
  /** A label to serve when it exists, else the latest version (published endpoints: `production`). */
  preferLabel?: string;
  inputs?: Record<string, unknown>;
  variants?: Record<string, string>;
  /** The run's seed (every llm node's sampling derives from it); a random one when left out. */
  seed?: number;
  /** The run this one replays. */
  replayOf?: string;
  /** Versions for `{ ref }` sub-flows (a replay's, as its run recorded them); else what they resolve to now. */
  subflows?: SubflowVersions;
  concurrency?: number;
  source: RunSource;
  /**
   * Whether the run's `node-token` events are written to its event log (true by default). Evaluations leave them
   * out: an evaluation runs thousands of items, and node-end events already hold each node's text.
   */
  storeTokens?: boolean;
}

type ServiceContext = Omit<AppContext, 'runs' | 'keys' | 'datasets' | 'evaluations' | 'collections'> & {
  /** Searches document collections for `retrieve` nodes; without it they fail with 'no-retriever'. */
  collections?: Pick<AppContext['collections'], 'retriever'>;
};

/**
 * Runs stored flow versions, records them (run row, node records, event log) and keeps the runs in progress in
 * memory for SSE clients and cancellation. Runs share no lock: each is its own runFlow, and the model engine
 * batches their concurrent generations.
 */
export class RunService {
  private readonly repository: RunsRepository;
  private readonly writer: RecordWriter;
  private readonly compiled: CompiledFlows;
  private readonly live = new Map<string, LiveRun>();
  private closing = false;

  constructor(private readonly context: ServiceContext) {
    this.repository = new RunsRepository(context.db);
    this.writer = new RecordWriter(this.repository, context.log);
    this.compiled = new CompiledFlows(context.flows, context.registry);
  }

  /**
   * Starts a run and returns it in progress. Everything a client can get wrong (unknown flow or version, an invalid
   * flow, bad inputs or variants) throws before anything is written.
   */
  start(request: StartRun): LiveRun {
    if (this.closing) throw new HttpError('unavailable', 'the server is shutting down; no new runs start');
    const { flowId, flowName, version, latest } = this.selectVersion(request);
    const found = this.compiled.get(
      flowId,
      version,
      () => this.context.flows.version(flowId, version)?.flow,
      request.subflows,
    );
    if (!found) throw HttpError.notFound(`version ${version} of flow "${flowName}" (latest: ${latest})`);
    const { compiled, subflows } = found;
    const checked = checkRunRequest(compiled, request.inputs ?? {}, request.variants ?? {});
    const id = newId('run');
    // Picked here rather than by runFlow, so the record has it from the start: a replay may be asked mid-run.
    const seed = request.seed ?? newRunSeed();
    this.repository.insertRun({
      id,
      flowId,
      flowVersion: version,
      source: request.source,
      inputs: checked.inputs,
      variants: checked.variants,
      seed,
      ...(request.replayOf === undefined ? {} : { replayOf: request.replayOf }),
      subflows,
      createdAt: now(),
    });
    const live = new LiveRun(id);
    this.live.set(id, live);
    void this.execute(live, compiled, checked, seed, request.concurrency, request.storeTokens ?? true);
    return live;
  }

  /**
   * Starts a new run of the run's flow version with its inputs, variants and seed: the same text again (on the same
   * model and provider). 404 for an unknown run; 409 for a run recorded before runs kept their seed.
   */
  replay(id: string): LiveRun {
    const original = this.repository.summary(id);
    if (!original) throw HttpError.notFound(`run "${id}"`);
    if (original.seed === null) {
      throw new HttpError(
        'conflict',
        `run "${id}" was recorded before runs kept their seed, so it cannot be replayed identically; start a new run with its inputs and variants instead`,
      );
    }
    return this.start({
      flow: original.flowId,
      version: original.flowVersion,
      inputs: original.inputs,
      variants: original.variants,
      seed: original.seed,
      subflows: original.subflows,
      replayOf: original.id,
      source: 'replay',
    });
  }

  /** The run's record; for a run in progress, what its events said up to now (pending writes go first). */
  get(id: string): RunRecord | undefined {
    if (this.live.has(id)) this.writer.flush();
    return this.repository.get(id);
  }

  /** The run's record; a 404 when there is none (never started, or deleted with its flow). */
  require(id: string): RunRecord {
    const run = this.get(id);
    if (!run) throw HttpError.notFound(`run "${id}"`);
    return run;
  }

  list(query: Omit<RunListQuery, 'flowId'> & { flow?: string }): RunSummary[] {
    let flowId: string | undefined;
    if (query.flow !== undefined) {
      const flow = this.context.flows.find(query.flow);
      if (!flow) throw HttpError.notFound(`flow "${query.flow}"`);
      flowId = flow.id;
    }
    if (query.before !== undefined && !this.repository.exists(query.before)) {
      throw new HttpError('invalid-request', `query.before: no run "${query.before}" to page from`, {
        issues: [{ path: 'query.before', message: `no run "${query.before}"` }],
      });
    }
    return this.repository.list({ ...query, ...(flowId ? { flowId } : {}) });
  }

  /** The events to stream: from memory while the run is in progress here, else from its log. */
  eventSource(id: string, after: number): EventSource {
    const live = this.live.get(id);
    if (live) return { live };
    if (!this.repository.exists(id)) throw HttpError.notFound(`run "${id}"`);
    return { stored: this.repository.events(id, after) };
  }

  storedEvents(id: string, after = 0): StoredEvent[] {
    return this.repository.events(id, after);
  }

  /** Cancels a run in progress and returns it once it has ended `cancelled`; 409 when it has already ended. */
  async cancel(id: string): Promise<RunRecord> {
    const live = this.live.get(id);
    if (live) {
      live.controller.abort();
      // The engine ends a cancelled run at once (in-flight generation is abandoned, not awaited).
      await live.done;
      return this.require(id);
    }
    const run = this.require(id);
    if (run.status === 'cancelled') throw new HttpError('run-cancelled', `run "${id}" was already cancelled`);
    throw new HttpError(
      'conflict',
      `run "${id}" has already ended (${run.status}); only a running run can be cancelled`,
    );
  }

  markInterrupted(): number {
    return this.repository.markInterrupted(now());
  }

  /** Cancels the runs in progress and waits until each has written its end. */
  async close(): Promise<void> {
    this.closing = true;
    const running = [...this.live.values()];
    for (const live of running) live.controller.abort();
    await Promise.all(running.map((live) => live.done));
    this.writer.flush();
  }

  /** The version a request asks for: its number, its label's, else the preferred label's or the latest. */
  private selectVersion(request: StartRun): { flowId: string; flowName: string; version: number; latest: number } {
    const flow = this.context.flows.find(request.flow);
    if (!flow) throw HttpError.notFound(`flow "${request.flow}"`);
    const selected = { flowId: flow.id, flowName: flow.name, latest: flow.latestVersion };
    if (request.version !== undefined && request.label !== undefined) {
      throw new HttpError('invalid-request', 'body: give a version or a label, not both', {
        issues: [{ path: 'body.label', message: 'cannot be given with version' }],
      });
    }
    if (request.version !== undefined) return { ...selected, version: request.version };
    if (request.label !== undefined) {
      const labelled = flow.labels[request.label];
      if (labelled === undefined) {
        const known = Object.keys(flow.labels);
        throw HttpError.notFound(
          `label "${request.label}" of flow "${flow.name}" (labels: ${known.length ? known.join(', ') : 'none'})`,
        );
      }
      return { ...selected, version: labelled };
    }
    const preferred = request.preferLabel === undefined ? undefined : flow.labels[request.preferLabel];
    return { ...selected, version: preferred ?? flow.latestVersion };
  }

  private async execute(
    live: LiveRun,
    compiled: CompiledFlow,
    checked: CheckedRequest,
    seed: number,
    concurrency: number | undefined,
    storeTokens: boolean,
  ): Promise<void> {
    const recorder = new RunRecorder(live.id, this.writer, storeTokens);
    try {
      await runFlow(compiled, {
        inputs: checked.inputs,
        variants: checked.variants,
        seed,
        signal: live.controller.signal,
        models: this.context.models.provider,
        scorers: (request) => resolveScorer(this.context.models, request),
        ...(this.context.collections ? { retriever: this.context.collections.retriever } : {}),
        runId: live.id,
        ...(concurrency === undefined ? {} : { concurrency }),
        onEvent: (event) => this.onEvent(live, recorder, event),
      });
    } catch (error) {
      // runFlow resolves for every outcome of a run; a throw is a fault of ours, recorded as a failed run.
      this.context.log.error({ err: error, runId: live.id }, 'a run failed outside its nodes');
    }
    if (live.events.at(-1)?.type !== 'run-end') {
      const end: RunEvent = {
        type: 'run-end',
        runId: live.id,
        seq: live.lastSeq + 1,
        time: Date.now(),
        status: 'failed',
        outputs: {},
        durationMs: 0,
        error: { code: 'internal', message: 'the run stopped on an internal error; the server log has the details' },
      };
      this.onEvent(live, recorder, end);
    }
  }

  private onEvent(live: LiveRun, recorder: RunRecorder, event: RunEvent): void {
    const stored = { seq: event.seq, type: event.type, data: JSON.stringify(event) };
    let written: Promise<void> | undefined;
    try {
      written = recorder.record(event, stored);
    } catch (error) {
      this.context.log.error({ err: error, runId: live.id }, 'recording a run event failed');
    }
    live.push(stored);
    if (event.type === 'run-end') {
      // The run has ended for its callers once it is on disk (the writer commits ends together).
      void (written ?? Promise.resolve()).then(() => {
        this.live.delete(live.id);
        live.end();
      });
    }
  }
}
