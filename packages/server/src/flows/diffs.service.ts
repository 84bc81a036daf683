import { diffFlows, diffVariants, type FlowNode, summarizeDiff } from '@groundwork/runtime';
import { type ErrorIssue, HttpError } from '../http/http-error.js';
import type { FlowDiffResponse, VariantDiffResponse } from './diff.schemas.js';
import type { FlowSummary, FlowsRepository, FlowVersion } from './flows.repository.js';
import { resolveVersionRef, VersionRefError } from './version-ref.js';
import { versionSummaryView } from './version-view.js';

export interface FlowDiffQuery {
  from?: string | undefined;
  to?: string | undefined;
}

export interface VariantDiffQuery {
  node: string;
  from: string;
  to: string;
  version?: string | undefined;
}

/**
 * Diffs between stored versions of a flow, and between the variants of a node. References to versions are numbers,
 * labels or `latest` (resolveVersionRef); one that names nothing is a 400 at its query field, saying what exists.
 */
export class DiffsService {
  private readonly flows: FlowsRepository;

  constructor(context: { flows: FlowsRepository }) {
    this.flows = context.flows;
  }

  /** `to` is the latest version by default, `from` the version before `to` (or `to` itself, for version 1). */
  diff(idOrName: string, query: FlowDiffQuery): FlowDiffResponse {
    const summary = this.require(idOrName);
    const issues: ErrorIssue[] = [];
    const from = query.from === undefined ? undefined : resolve(summary, query.from, 'query.from', issues);
    const to = resolve(summary, query.to ?? 'latest', 'query.to', issues);
    if (issues.length > 0 || to === undefined) throw invalidQuery(issues);
    const before = this.version(summary, from ?? Math.max(to - 1, 1));
    const after = this.version(summary, to);
    const diff = diffFlows(before.flow, after.flow);
    return {
      flowId: summary.id,
      from: versionSummaryView(before, summary),
      to: versionSummaryView(after, summary),
      diff,
      summary: summarizeDiff(diff),
    };
  }

  /** What the node runs with under each variant (its config with the variant's overrides), field by field. */
  variantDiff(idOrName: string, query: VariantDiffQuery): VariantDiffResponse {
    const summary = this.require(idOrName);
    const issues: ErrorIssue[] = [];
    const version = resolve(summary, query.version ?? 'latest', 'query.version', issues);
    if (version === undefined) throw invalidQuery(issues);
    const { flow } = this.version(summary, version);
    const where = `version ${version} of flow "${summary.name}"`;
    const withVariants = flow.nodes.filter((node) => (node.variants?.length ?? 0) > 0).map((node) => node.id);
    const nodesWithVariants = withVariants.length
      ? `nodes with variants: ${withVariants.join(', ')}`
      : 'no node has variants';
    const node = flow.nodes.find((candidate) => candidate.id === query.node);
    if (!node) {
      throw invalidQuery([
        { path: 'query.node', message: `${where} has no node "${query.node}" (${nodesWithVariants})` },
      ]);
    }
    if (!node.variants?.length) {
      throw invalidQuery([
        { path: 'query.node', message: `node "${node.id}" has no variants in ${where} (${nodesWithVariants})` },
      ]);
    }
    for (const field of ['from', 'to'] as const) {
      const message = missingVariant(node, query[field]);
      if (message) issues.push({ path: `query.${field}`, message });
    }
    if (issues.length > 0) throw invalidQuery(issues);
    return {
      flowId: summary.id,
      version,
      node: node.id,
      from: query.from,
      to: query.to,
      fields: diffVariants(node, query.from, query.to),
    };
  }

  private require(idOrName: string): FlowSummary {
    const summary = this.flows.find(idOrName);
    if (!summary) throw HttpError.notFound(`flow "${idOrName}"`);
    return summary;
  }

  private version(summary: FlowSummary, version: number): FlowVersion {
    const stored = this.flows.version(summary.id, version);
    // Resolved references name stored versions; only a flow deleted in between leaves none.
    if (!stored) throw HttpError.notFound(`version ${version} of flow "${summary.name}"`);
    return stored;
  }
}

/** The version `reference` names, or undefined with an issue at `path` saying what there is. */
function resolve(summary: FlowSummary, reference: string, path: string, issues: ErrorIssue[]): number | undefined {
  try {
    return resolveVersionRef(summary, reference);
  } catch (error) {
    if (!(error instanceof VersionRefError)) throw error;
    issues.push({ path, message: error.message });
    return undefined;
  }
}

/** As diffVariants words it, for the field that names a variant the node does not have. */
function missingVariant(node: FlowNode, name: string): string | undefined {
  const names = (node.variants ?? []).map((variant) => variant.name);
  if (names.includes(name)) return undefined;
  return `node "${node.id}" has no variant "${name}" (variants: ${names.join(', ')})`;
}

function invalidQuery(issues: ErrorIssue[]): HttpError {
  return new HttpError('invalid-request', issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), {
    issues,
  });
}
