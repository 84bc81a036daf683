import { type CompiledFlow, newRunSeed } from '@groundwork/runtime';
import type { GroundednessScorer } from '@groundwork/runtime/evaluators';
import type { AppContext } from '../context.js';
import { resolveVersionRef, VersionRefError } from '../flows/version-ref.js';
import { resolveScorer } from '../groundedness/scorers.js';
import { type ErrorIssue, HttpError } from '../http/http-error.js';
import { newId, now } from '../ids.js';
import { CompiledFlows } from '../runs/compiled-flows.js';
import { Comparisons, estimate } from './comparison.js';
import { executeEvaluation } from './evaluation-executor.js';
import { planEvaluation } from './evaluation-plan.js';
import { EvaluationsRepository, type ItemStatus } from './evaluations.repository.js';
import {
  type CreateEvaluationBody,
  DEFAULT_EVALUATION_CONCURRENCY,
  type Evaluation,
  type EvaluationSummary,
  type Result,
} from './evaluations.schemas.js';
import { LiveEvaluation } from './live-evaluation.js';

type ServiceContext = Pick<AppContext, 'db' | 'log' | 'registry' | 'flows' | 'runs' | 'models' | 'datasets'>;

/**
 * Evaluations: checking and storing a request, running its items in this process (see executeEvaluation), cancel,
 * resume, results, summaries, comparisons and preferences. Evaluations left running by a stopped process are marked
 * interrupted at start and resume from their pending items.
 */
export class EvaluationService {
  readonly repository: EvaluationsRepository;
  readonly comparisons: Comparisons;
  private readonly compiled: CompiledFlows;
  private readonly live = new Map<string, LiveEvaluation>();
  private closing = false;

  constructor(private readonly context: ServiceContext) {
    this.repository = new EvaluationsRepository(context.db);
    this.comparisons = new Comparisons(this.repository);
    this.compiled = new CompiledFlows(context.flows, context.registry);
  }

  /** Checks everything in the request (a 400 listing every problem, nothing written), stores it and starts it. */
  async create(body: CreateEvaluationBody): Promise<Evaluation> {
    this.refuseWhileClosing();
    const issues: ErrorIssue[] = [];
    const flow = this.context.flows.find(body.flow);
    if (!flow) issues.push({ path: 'body.flow', message: `no flow "${body.flow}"` });
    const dataset = this.findDataset(body.dataset, issues);
    let version: number | undefined;
    if (flow) {
      try {
        version = resolveVersionRef(flow, body.version ?? 'latest');
      } catch (error) {
        if (!(error instanceof VersionRefError)) throw error;
        issues.push({ path: 'body.version', message: error.message });
      }
    }
    if (!flow || !dataset || version === undefined) throw invalid(issues);
    const compiled = this.compile(flow.id, version);
    const { plan, issues: planIssues } = planEvaluation(compiled, dataset.columns, dataset.rowCount, body);
    if (issues.length + planIssues.length > 0) throw invalid([...issues, ...planIssues]);
    const groundedness = body.groundedness ?? {};
    const scorer = await this.scorerFor(plan.metrics, groundedness);
    const id = newId('evl');
    this.repository.insert({
      id,
      name: body.name ?? `${flow.name} v${version} on ${dataset.name}`,
      flowId: flow.id,
      flowVersion: version,
      datasetId: dataset.id,
      ...plan,
      groundedness,
      seed: body.seed ?? newRunSeed(),
      concurrency: body.concurrency ?? DEFAULT_EVALUATION_CONCURRENCY,
      createdAt: now(),
      rowCount: dataset.rowCount,
    });
    return this.launch(this.require(id), compiled, scorer);
  }

  /** Goes on with an evaluation that stopped: only its items not done run (failed ones again). */
  async resume(id: string): Promise<Evaluation> {
    this.refuseWhileClosing();
    const evaluation = this.require(id);
    if (this.live.has(id) || evaluation.status === 'running') {
      throw new HttpError('conflict', `evaluation "${id}" is running; cancel it first or wait for it`);
    }
    const { total, done } = evaluation.progress;
    if (done === total) throw new HttpError('conflict', `evaluation "${id}" has every item done; nothing to resume`);
    const compiled = this.compile(evaluation.flowId, evaluation.flowVersion);
    const scorer = await this.scorerFor(evaluation.metrics, evaluation.groundedness);
    this.context.db.transaction(() => {
      this.repository.resetFailed(id);
      this.repository.setStatus(id, 'running', null, null);
    })();
    return this.launch(this.require(id), compiled, scorer);
  }

  /** Stops a running evaluation (its in-flight items stay pending) and returns it `cancelled`. */
  async cancel(id: string): Promise<Evaluation> {
    const live = this.live.get(id);
    if (live) {
      live.stop('cancel');
      await live.done;
      return this.require(id);
    }
    const evaluation = this.require(id);
    throw new HttpError(
      'conflict',
      `evaluation "${id}" is not running (${evaluation.status}); only a running evaluation can be cancelled`,
    );
  }

  /** Deletes the evaluation, its items and preferences (a running one is stopped first); its runs stay. */
  async delete(id: string): Promise<void> {
    const live = this.live.get(id);
    if (live) {
      live.stop('cancel');
      await live.done;
    }
    if (!this.repository.delete(id)) throw HttpError.notFound(`evaluation "${id}"`);
  }

  get(id: string): Evaluation | undefined {
    const evaluation = this.repository.get(id);
    const live = this.live.get(id);
    return evaluation && live ? { ...evaluation, progress: live.progress } : evaluation;
  }

  require(id: string): Evaluation {
    const evaluation = this.get(id);
    if (!evaluation) throw HttpError.notFound(`evaluation "${id}"`);
    return evaluation;
  }

  list(query: { flow?: string | undefined; limit: number }): Evaluation[] {
    let flowId: string | undefined;
    if (query.flow !== undefined) {
      const flow = this.context.flows.find(query.flow);
      if (!flow) throw HttpError.notFound(`flow "${query.flow}"`);
      flowId = flow.id;
    }
    return this.repository.list({ limit: query.limit, ...(flowId ? { flowId } : {}) });
  }

  /** Per combination, each metric's mean with its 95% bootstrap interval over the items done (null: none yet). */
  summary(evaluation: Evaluation): EvaluationSummary {
    return {
      combinations: evaluation.combinations.map((combination) => {
        const metrics: EvaluationSummary['combinations'][number]['metrics'] = {};
        for (const metric of evaluation.metrics) {
          const values = [...this.repository.metricValues(evaluation.id, combination.index, metric).values()].filter(
            (value): value is number => typeof value === 'number',
          );
          metrics[metric] = values.length === 0 ? null : estimate(values, evaluation.seed);
        }
        return { ...combination, metrics };
      }),
    };
  }

  results(
    id: string,
    filter: { combination?: number | undefined; status?: ItemStatus | undefined; offset: number; limit: number },
  ): { results: Result[]; total: number } {
    const evaluation = this.require(id);
    const { items, total } = this.repository.items(id, filter);
    const rows = this.rowsByIndex(
      evaluation.datasetId,
      items.map((item) => item.row),
    );
    return {
      total,
      results: items.map((item) => ({
        ...item,
        rowValues: rows.get(item.row) ?? {},
        inputs: item.inputs ?? {},
      })),
    };
  }

  /** The live evaluation to follow, or undefined once it has ended (404 for an unknown one). */
  follow(id: string): { live: LiveEvaluation | undefined; evaluation: Evaluation } {
    return { live: this.live.get(id), evaluation: this.require(id) };
  }

  /** Resolves with the evaluation once it has ended (at once when it is not running here). */
  async waitFor(id: string): Promise<Evaluation> {
    await this.live.get(id)?.done;
    return this.require(id);
  }

  markInterrupted(): number {
    return this.repository.markInterrupted(now());
  }

  /** Stops the evaluations in progress (they end `interrupted`, resumable) and waits until each has ended. */
  async close(): Promise<void> {
    this.closing = true;
    const running = [...this.live.values()];
    for (const live of running) live.stop('shutdown');
    await Promise.all(running.map((live) => live.done));
  }

  private launch(evaluation: Evaluation, compiled: CompiledFlow, scorer: GroundednessScorer | undefined): Evaluation {
    const live = new LiveEvaluation(evaluation.id, evaluation.progress);
    this.live.set(evaluation.id, live);
    const rows = this.allRows(evaluation.datasetId);
    const { runs, log } = this.context;
    const context = { runs, log, repository: this.repository, flow: compiled, rows, scorer };
    void executeEvaluation(evaluation, this.repository.unfinishedItems(evaluation.id), live, context)
      .catch((error: unknown) => {
        log.error({ err: error, evaluationId: evaluation.id }, 'an evaluation stopped on an internal error');
        const message = 'the evaluation stopped on an internal error; the server log has the details';
        this.repository.setStatus(evaluation.id, 'failed', { code: 'internal', message }, now());
        return 'failed' as const;
      })
      .then((status) => {
        this.live.delete(evaluation.id);
        live.end(status);
      });
    return { ...evaluation, status: 'running' };
  }

  private compile(flowId: string, version: number): CompiledFlow {
    const found = this.compiled.get(flowId, version, () => this.context.flows.version(flowId, version)?.flow);
    if (!found) throw HttpError.notFound(`version ${version} of flow "${flowId}"`);
    return found.compiled;
  }

  private async scorerFor(
    metrics: readonly string[],
    settings: Evaluation['groundedness'],
  ): Promise<GroundednessScorer | undefined> {
    if (!metrics.includes('groundedness')) return undefined;
    try {
      return await resolveScorer(this.context.models, settings);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      const issues = (error.details.issues ?? []).map((issue) => ({ ...issue, path: `body.${issue.path}` }));
      throw new HttpError(error.code, error.message, { ...error.details, issues });
    }
  }

  private findDataset(idOrName: string, issues: ErrorIssue[]) {
    try {
      return this.context.datasets.get(idOrName);
    } catch (error) {
      if (!(error instanceof HttpError) || error.code !== 'not-found') throw error;
      issues.push({ path: 'body.dataset', message: `no dataset "${idOrName}"` });
      return undefined;
    }
  }

  private allRows(datasetId: string): Record<string, unknown>[] {
    return this.context.datasets.allRows(datasetId).map((row) => row.values);
  }

  private rowsByIndex(datasetId: string, indexes: number[]): Map<number, Record<string, unknown>> {
    if (indexes.length === 0) return new Map();
    const first = Math.min(...indexes);
    const last = Math.max(...indexes);
    const rows = this.context.datasets.rows(datasetId, { offset: first, limit: last - first + 1 });
    return new Map(rows.map((row) => [row.index, row.values]));
  }

  private refuseWhileClosing(): void {
    if (this.closing) throw new HttpError('unavailable', 'the server is shutting down; no evaluation starts');
  }
}

function invalid(issues: ErrorIssue[]): HttpError {
  const message = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  return new HttpError('invalid-request', message, { issues });
}
