import {
  type Flow,
  type FlowProblem,
  formatPath,
  formatProblem,
  loadFlowYaml,
  type NodeTypeRegistry,
  parseFlowDocument,
  saveFlowYaml,
  validateFlow,
} from '@groundwork/runtime';
import { type ErrorIssue, HttpError } from '../http/http-error.js';
import { contentHash } from './content-hash.js';
import { storedFlowResolver } from './flow-references.js';
import { FlowNameTakenError, type FlowSummary, type FlowsRepository, type FlowVersion } from './flows.repository.js';
import type {
  FlowDetailResponse,
  FlowProblemView,
  FlowVersionView,
  ImportFlowResponse,
  SaveFlowResponse,
  VersionListResponse,
} from './flows.schemas.js';
import { VersionHistory } from './version-history.js';
import { publishedVersion } from './version-ref.js';
import { versionSummaryView } from './version-view.js';

export interface FlowsServiceContext {
  flows: FlowsRepository;
  registry: NodeTypeRegistry;
}

export interface UpdateOptions {
  note?: string | undefined;
  /** The version the client's copy was based on; a save over a newer version is refused. */
  baseVersion?: number | undefined;
}

export interface FlowExport {
  fileName: string;
  yaml: string;
}

/**
 * The flows feature: saving documents as versions, labels, YAML import and export. Saving checks the document's
 * shape (a 400 when it is not a flow) but not its graph: work in progress is saved, and its problems come back
 * for the editor to show; runs refuse invalid flows.
 */
export class FlowsService {
  private readonly flows: FlowsRepository;
  private readonly registry: NodeTypeRegistry;
  private readonly history: VersionHistory;

  constructor(context: FlowsServiceContext) {
    this.flows = context.flows;
    this.registry = context.registry;
    this.history = new VersionHistory(context.flows);
  }

  list(): FlowSummary[] {
    return this.flows.list();
  }

  get(idOrName: string): FlowDetailResponse {
    const summary = this.require(idOrName);
    const latest = this.flows.latest(summary.id);
    return {
      flow: summary,
      version: this.versionView(latest, summary),
      problems: this.problems(latest.flow),
      published: publishedVersion(summary),
    };
  }

  /** `document` is the request's `flow`; problems with it are reported at `body.flow.…`. */
  create(document: unknown, note: string | undefined): SaveFlowResponse {
    const flow = parseDocument(document, 'body.flow');
    const problems = this.problems(flow);
    const saved = this.write(() => this.flows.create(flow, note));
    return this.saved(saved, problems);
  }

  update(idOrName: string, document: unknown, options: UpdateOptions): SaveFlowResponse {
    const flow = parseDocument(document, 'body.flow');
    const problems = this.problems(flow);
    return this.flows.atomically(() => {
      const summary = this.require(idOrName);
      const { baseVersion } = options;
      if (baseVersion !== undefined && baseVersion !== summary.latestVersion) {
        throw staleBase(summary, baseVersion);
      }
      return this.saveVersion(summary, flow, options.note, problems);
    });
  }

  /** A flow file: the next version of the flow with its name, or a new flow. */
  importYaml(text: string, note: string | undefined): ImportFlowResponse {
    const loaded = loadFlowYaml(text);
    if (!loaded.ok) {
      const syntax = loaded.problems.some((problem) => problem.code === 'yaml-syntax');
      throw documentError(
        loaded.problems,
        'body',
        syntax ? 'the body is not valid YAML' : 'the YAML is not a valid flow',
      );
    }
    const flow = loaded.flow;
    const problems = this.problems(flow);
    return this.flows.atomically(() => {
      const existing = this.flows.findByName(flow.name);
      if (existing) return { ...this.saveVersion(existing, flow, note, problems), created: false };
      return { ...this.saved(this.flows.create(flow, note), problems), created: true };
    });
  }

  delete(idOrName: string): void {
    this.flows.atomically(() => {
      const summary = this.require(idOrName);
      const running = this.flows.runningRuns(summary.id);
      if (running > 0) {
        throw new HttpError(
          'conflict',
          `flow "${summary.name}" has ${running} run${running === 1 ? '' : 's'} in progress; cancel ${running === 1 ? 'it' : 'them'} or wait, then delete the flow`,
        );
      }
      this.flows.delete(summary.id);
      this.history.forget(summary.id);
    });
  }

  /** The history, newest first, each version with what changed from the one before it. */
  versions(idOrName: string): VersionListResponse {
    const summary = this.require(idOrName);
    const versions = this.flows.versions(summary.id);
    const changes = this.history.changes(
      summary.id,
      versions.map((version) => version.version),
    );
    return {
      versions: versions.map((version) => ({
        ...versionSummaryView(version, summary),
        changes: changes.get(version.version) ?? [],
      })),
      published: publishedVersion(summary),
    };
  }

  version(idOrName: string, version: number): FlowVersionView {
    const summary = this.require(idOrName);
    return this.versionView(this.requireVersion(summary, version), summary);
  }

  labels(idOrName: string): Record<string, number> {
    return this.require(idOrName).labels;
  }

  setLabel(
    idOrName: string,
    label: string,
    version: number,
  ): { label: string; version: number; labels: Record<string, number> } {
    return this.flows.atomically(() => {
      const summary = this.require(idOrName);
      if (!this.flows.version(summary.id, version)) {
        const message = `flow "${summary.name}" has no version ${version} (the latest is ${summary.latestVersion})`;
        throw new HttpError('invalid-request', `body.version: ${message}`, {
          issues: [{ path: 'body.version', message }],
        });
      }
      this.flows.setLabel(summary.id, label, version);
      return { label, version, labels: this.flows.labels(summary.id) };
    });
  }

  deleteLabel(idOrName: string, label: string): void {
    const summary = this.require(idOrName);
    if (!this.flows.deleteLabel(summary.id, label)) {
      throw HttpError.notFound(`label "${label}" of flow "${summary.name}"`);
    }
  }

  /**
   * Saves version `version`'s document as the next version, as a PUT of it would (a name another flow took since is a
   * conflict); when the latest version already has that content, nothing is written and it comes back `unchanged`.
   */
  restore(idOrName: string, version: number, note: string | undefined): SaveFlowResponse {
    return this.flows.atomically(() => {
      const summary = this.require(idOrName);
      const { flow } = this.requireVersion(summary, version);
      const owner = this.flows.findByName(flow.name);
      if (owner && owner.id !== summary.id) {
        const message = `version ${version} of flow "${summary.name}" is named "${flow.name}", and another flow has that name now; rename that flow first`;
        throw new HttpError('conflict', message, { issues: [{ path: 'params.version', message }] });
      }
      return this.saveVersion(summary, flow, note ?? `restored version ${version}`, this.problems(flow));
    });
  }

  /** The version as a `*.flow.yaml` file: the latest unless a version is asked for. */
  exportYaml(idOrName: string, version: number | undefined): FlowExport {
    const summary = this.require(idOrName);
    const stored = this.requireVersion(summary, version ?? summary.latestVersion);
    return { fileName: `${stored.flow.name}.flow.yaml`, yaml: saveFlowYaml(stored.flow) };
  }

  /** Saves `flow` as the next version unless it equals the latest, which is returned instead. */
  private saveVersion(
    summary: FlowSummary,
    flow: Flow,
    note: string | undefined,
    problems: FlowProblemView[],
  ): SaveFlowResponse {
    const latest = this.flows.latest(summary.id);
    if (latest.contentHash === contentHash(flow)) {
      return { flow: summary, version: this.versionView(latest, summary), problems, unchanged: true };
    }
    return this.saved(
      this.write(() => this.flows.addVersion(summary.id, flow, note)),
      problems,
    );
  }

  private saved(version: FlowVersion, problems: FlowProblemView[]): SaveFlowResponse {
    const summary = this.flows.find(version.flowId)!;
    return { flow: summary, version: this.versionView(version, summary), problems, unchanged: false };
  }

  /** A repository write, with the name clash it reports as the client's conflict. */
  private write(save: () => FlowVersion): FlowVersion {
    try {
      return save();
    } catch (error) {
      if (!(error instanceof FlowNameTakenError)) throw error;
      throw new HttpError('conflict', error.message, {
        issues: [{ path: 'body.flow.name', message: error.message }],
      });
    }
  }

  private problems(flow: Flow): FlowProblemView[] {
    return validateFlow(flow, { registry: this.registry, resolveReference: storedFlowResolver(this.flows) }).map(
      problemView,
    );
  }

  private require(idOrName: string): FlowSummary {
    const summary = this.flows.find(idOrName);
    if (!summary) throw HttpError.notFound(`flow "${idOrName}"`);
    return summary;
  }

  private requireVersion(summary: FlowSummary, version: number): FlowVersion {
    const stored = this.flows.version(summary.id, version);
    if (!stored) {
      throw new HttpError(
        'not-found',
        `flow "${summary.name}" has no version ${version} (the latest is ${summary.latestVersion})`,
      );
    }
    return stored;
  }

  private versionView(version: FlowVersion, summary: FlowSummary): FlowVersionView {
    return { ...versionSummaryView(version, summary), flowId: version.flowId, flow: version.flow };
  }
}

/** Checks (and migrates) a document, or throws a 400 naming each problem at its path in the request. */
function parseDocument(document: unknown, at: string): Flow {
  const parsed = parseFlowDocument(document);
  if (!parsed.ok) throw documentError(parsed.problems, at, 'the flow document is not valid');
  return parsed.flow;
}

function documentError(problems: readonly FlowProblem[], at: string, summary: string): HttpError {
  const issues: ErrorIssue[] = problems.map((problem) => ({
    path: problem.path.length === 0 ? at : `${at}.${formatPath(problem.path)}`,
    message: problem.message,
  }));
  return new HttpError('invalid-request', `${summary}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, {
    issues,
    problems: problems.map(problemView),
  });
}

function staleBase(summary: FlowSummary, baseVersion: number): HttpError {
  const latest = summary.latestVersion;
  const message =
    baseVersion < latest
      ? `version ${latest} of flow "${summary.name}" was saved since version ${baseVersion}; reload it and save again`
      : `flow "${summary.name}" has no version ${baseVersion} yet (the latest is ${latest}); reload it and save again`;
  return new HttpError('conflict', message, { latestVersion: latest, issues: [{ path: 'body.baseVersion', message }] });
}

function problemView(problem: FlowProblem): FlowProblemView {
  return { ...problem, path: [...problem.path], text: formatProblem(problem) };
}
