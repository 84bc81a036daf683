import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { type Flow, type FlowProblem, formatProblem, loadFlowYaml } from '@groundwork/runtime';
import type { FlowSummary, FlowVersion } from '../flows/flows.repository.js';
import { resolveVersionRef, VersionRefError } from '../flows/version-ref.js';
import { labelsOf } from '../flows/version-view.js';
import { findStoredFlow, openStoredFlows, type StoredFlows } from './flow-database.js';
import { FlowFiles } from './flow-files.js';
import { gitFile, readAtRevision } from './git-revisions.js';
import { UsageError } from './run-inputs.js';

/** What `groundwork diff` was asked to compare, as given on the command line. */
export interface DiffRequest {
  first: string;
  second?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  db?: string | undefined;
  node?: string | undefined;
}

/** Two flows to compare and the header that says what they are. */
export interface FlowPair {
  header: string;
  before: Flow;
  after: Flow;
}

/** One flow (whose variants are compared) and how to name it. */
export interface LabelledFlow {
  label: string;
  flow: Flow;
}

/** A side of a comparison that cannot be read: a file, a revision, a document that is not a flow. */
export class FlowSourceError extends Error {
  override name = 'FlowSourceError';
}

export interface SourceEnvironment {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

type Source = 'files' | 'git' | 'database';

/**
 * Which flows the arguments name: two files; one file and its git revisions; or a flow stored in the database. An
 * argument that is an existing file, ends in .yaml/.yml/.json or holds a `/` is a file; anything else a stored
 * flow's name or id. Throws UsageError for options that do not fit together.
 */
function sourceOf(request: DiffRequest, cwd: string): Source {
  if (request.second !== undefined) {
    if (request.from !== undefined || request.to !== undefined)
      throw new UsageError('--from and --to pick revisions of one file or versions of a stored flow, not two files');
    if (request.node !== undefined)
      throw new UsageError('--node compares the variants of a node in one flow: give one file or a stored flow');
    if (request.db !== undefined) throw new UsageError('--db is for stored flows; two files are compared as they are');
    return 'files';
  }
  if (request.node !== undefined && request.from !== undefined)
    throw new UsageError(
      '--from does not apply with --node: --to picks the revision or version whose variants to compare',
    );
  if (!looksLikeFile(request.first, cwd)) return 'database';
  if (request.db !== undefined)
    throw new UsageError(
      `--db is for stored flows, and ${request.first} is a file (stored flows are named by name or id)`,
    );
  return 'git';
}

function looksLikeFile(argument: string, cwd: string): boolean {
  return (
    /\.(ya?ml|json)$/i.test(argument) ||
    argument.includes('/') ||
    argument.includes(sep) ||
    existsSync(resolve(cwd, argument))
  );
}

export function flowsToCompare(request: DiffRequest, environment: SourceEnvironment): FlowPair {
  switch (sourceOf(request, environment.cwd)) {
    case 'files': {
      const files = new FlowFiles(environment.cwd);
      const before = fileFlow(files, request.first);
      const after = fileFlow(files, request.second!);
      return { header: `${before.label} → ${after.label}`, before: before.flow, after: after.flow };
    }
    case 'git': {
      const from = request.from ?? 'HEAD';
      const before = revisionFlow(request.first, from, environment.cwd);
      const after =
        request.to === undefined
          ? fileFlow(new FlowFiles(environment.cwd), request.first)
          : revisionFlow(request.first, request.to, environment.cwd);
      const header = `${request.first}: ${from} → ${request.to ?? 'working copy'}`;
      return { header, before: before.flow, after: after.flow };
    }
    case 'database':
      return withStoredFlow(request, environment, (stored, summary) => {
        const to = versionRef(summary, request.to ?? 'latest', '--to');
        const from = request.from === undefined ? Math.max(1, to - 1) : versionRef(summary, request.from, '--from');
        const before = stored.flows.version(summary.id, from)!;
        const after = stored.flows.version(summary.id, to)!;
        const header = `${summary.name} ${describeVersion(summary, before)} → ${describeVersion(summary, after)}`;
        return { header, before: before.flow, after: after.flow };
      });
  }
}

/** The flow whose variants `--node` compares: the file (at --to, when given), or a stored version (--to, else latest). */
export function flowForVariants(request: DiffRequest, environment: SourceEnvironment): LabelledFlow {
  switch (sourceOf(request, environment.cwd)) {
    case 'files':
      throw new Error('unreachable: sourceOf refuses --node with two files');
    case 'git':
      return request.to === undefined
        ? fileFlow(new FlowFiles(environment.cwd), request.first)
        : revisionFlow(request.first, request.to, environment.cwd);
    case 'database':
      return withStoredFlow(request, environment, (stored, summary) => {
        const version = stored.flows.version(summary.id, versionRef(summary, request.to ?? 'latest', '--to'))!;
        return { label: `${summary.name} ${describeVersion(summary, version)}`, flow: version.flow };
      });
  }
}

function withStoredFlow<T>(
  request: DiffRequest,
  environment: SourceEnvironment,
  use: (stored: StoredFlows, summary: FlowSummary) => T,
): T {
  const stored = openStoredFlows(request.db, environment.cwd, environment.env);
  try {
    return use(stored, findStoredFlow(stored, request.first));
  } finally {
    stored.close();
  }
}

function versionRef(summary: FlowSummary, reference: string, option: '--from' | '--to'): number {
  try {
    return resolveVersionRef(summary, reference);
  } catch (error) {
    if (error instanceof VersionRefError) throw new UsageError(`${option}: ${error.message}`);
    throw error;
  }
}

/** `v2 (the note) [production]`: the number, the note when there is one, the labels that point at it. */
export function describeVersion(summary: FlowSummary, version: Pick<FlowVersion, 'version' | 'note'>): string {
  const labels = labelsOf(summary, version.version);
  return [
    `v${version.version}`,
    ...(version.note ? [`(${version.note})`] : []),
    ...(labels.length ? [`[${labels.join(', ')}]`] : []),
  ].join(' ');
}

function fileFlow(files: FlowFiles, path: string): LabelledFlow {
  const file = files.load(path);
  if (file.ok) return { label: file.label, flow: file.flow };
  if ('readError' in file) throw new FlowSourceError(`${file.label}: ${file.readError}`);
  throw new FlowSourceError(problemLines(file.label, file.problems));
}

function revisionFlow(path: string, revision: string, cwd: string): LabelledFlow {
  const label = `${path} at ${revision}`;
  const text = readAtRevision(gitFile(resolve(cwd, path), path), revision, path);
  const loaded = loadFlowYaml(text);
  if (!loaded.ok) throw new FlowSourceError(problemLines(label, loaded.problems));
  return { label, flow: loaded.flow };
}

function problemLines(label: string, problems: readonly FlowProblem[]): string {
  return problems.map((problem) => `${label}: ${formatProblem(problem)}`).join('\n');
}
