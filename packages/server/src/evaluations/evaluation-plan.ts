import type { CompiledFlow } from '@groundwork/runtime';
import { METRICS } from '@groundwork/runtime/evaluators';
import type { ErrorIssue } from '../http/http-error.js';
import { resolveFields } from './evaluation-fields.js';
import type { Combination, CreateEvaluationBody, EvaluationFields } from './evaluations.schemas.js';

/** What a create request resolves to, once everything in it has been checked against the flow and the dataset. */
export interface EvaluationPlan {
  mapping: Record<string, string>;
  combinations: Combination[];
  metrics: string[];
  fields: EvaluationFields;
}

/** The metrics an evaluation computes when it names none, in this order, where their fields resolve. */
const DEFAULT_METRICS = ['groundedness', 'relevance', 'similarity', 'latency', 'tokens_in', 'tokens_out'];

/** The most items one evaluation may hold (rows × combinations). */
export const MAX_ITEMS = 1_000_000;

/**
 * Checks a create request against the flow version and the dataset's columns, collecting every problem as an issue
 * at its path in the body (nothing is written when there is one): the input mapping, variants or combinations,
 * fields and metrics.
 */
export function planEvaluation(
  flow: CompiledFlow,
  columns: readonly string[],
  rowCount: number,
  body: Pick<CreateEvaluationBody, 'mapping' | 'variants' | 'combinations' | 'metrics' | 'fields'>,
): { plan: EvaluationPlan; issues: ErrorIssue[] } {
  const issues: ErrorIssue[] = [];
  const mapping = planMapping(flow, columns, body.mapping ?? {}, issues);
  const combinations = planCombinations(flow, body, issues);
  const fields = resolveFields(flow, columns, body.fields ?? {}, issues);
  const metrics = planMetrics(body.metrics, fields, issues);
  if (rowCount * combinations.length > MAX_ITEMS) {
    issues.push({
      path: 'body',
      message: `${rowCount} rows × ${combinations.length} combinations is more than ${MAX_ITEMS} items`,
    });
  }
  return { plan: { mapping, combinations, metrics, fields }, issues };
}

function planMapping(
  flow: CompiledFlow,
  columns: readonly string[],
  given: Record<string, string>,
  issues: ErrorIssue[],
): Record<string, string> {
  const inputs = new Set(flow.inputs.map((input) => input.name));
  const known = new Set(columns);
  const columnList = columns.length ? columns.join(', ') : 'none';
  for (const [input, column] of Object.entries(given)) {
    if (!inputs.has(input)) {
      issues.push({
        path: `body.mapping.${input}`,
        message: `the flow has no input "${input}" (inputs: ${[...inputs].join(', ') || 'none'})`,
      });
    } else if (!known.has(column)) {
      issues.push({
        path: `body.mapping.${input}`,
        message: `the dataset has no column "${column}" (columns: ${columnList})`,
      });
    }
  }
  const mapping: Record<string, string> = {};
  for (const input of flow.inputs) {
    const column = given[input.name] ?? (known.has(input.name) ? input.name : undefined);
    if (column !== undefined) mapping[input.name] = column;
    else if (input.required && input.default === undefined) {
      issues.push({
        path: `body.mapping.${input.name}`,
        message: `the required input "${input.name}" has no column of its name; map it to one of: ${columnList}`,
      });
    }
  }
  return mapping;
}

/** The variant names of a node, or an issue when it has none or does not exist. */
function variantNames(flow: CompiledFlow, nodeId: string, path: string, issues: ErrorIssue[]): string[] | undefined {
  const node = flow.byId.get(nodeId);
  if (!node) {
    issues.push({ path, message: `the flow has no node "${nodeId}"` });
    return undefined;
  }
  if (node.defaultVariant === undefined) {
    issues.push({ path, message: `node "${nodeId}" has no variants` });
    return undefined;
  }
  return [...node.configs.keys()];
}

function checkVariant(names: string[], nodeId: string, variant: string, path: string, issues: ErrorIssue[]): void {
  if (!names.includes(variant)) {
    issues.push({ path, message: `node "${nodeId}" has no variant "${variant}" (variants: ${names.join(', ')})` });
  }
}

function planCombinations(
  flow: CompiledFlow,
  body: Pick<CreateEvaluationBody, 'variants' | 'combinations'>,
  issues: ErrorIssue[],
): Combination[] {
  if (body.variants !== undefined && body.combinations !== undefined) {
    issues.push({ path: 'body.combinations', message: 'give variants (a cross product) or combinations, not both' });
    return [];
  }
  let chosen: Record<string, string>[] = [{}];
  if (body.variants) {
    for (const [nodeId, variants] of Object.entries(body.variants)) {
      const names = variantNames(flow, nodeId, `body.variants.${nodeId}`, issues);
      if (!names) continue;
      variants.forEach((variant, index) => {
        checkVariant(names, nodeId, variant, `body.variants.${nodeId}.${index}`, issues);
      });
      const unique = [...new Set(variants)];
      chosen = chosen.flatMap((combination) => unique.map((variant) => ({ ...combination, [nodeId]: variant })));
    }
  } else if (body.combinations) {
    chosen = body.combinations;
    chosen.forEach((combination, index) => {
      for (const [nodeId, variant] of Object.entries(combination)) {
        const path = `body.combinations.${index}.${nodeId}`;
        const names = variantNames(flow, nodeId, path, issues);
        if (names) checkVariant(names, nodeId, variant, path, issues);
      }
    });
  }
  const combinations = chosen.map((variants, index) => ({ index, key: combinationKey(variants), variants }));
  const seen = new Map<string, number>();
  for (const combination of combinations) {
    const first = seen.get(combination.key);
    if (first !== undefined) {
      issues.push({
        path: `body.combinations.${combination.index}`,
        message: `repeats combination ${first} (${combination.key})`,
      });
    }
    seen.set(combination.key, combination.index);
  }
  return combinations;
}

/** `answer=short,tone=formal`; `default` when the combination names no variant. */
export function combinationKey(variants: Record<string, string>): string {
  const entries = Object.entries(variants);
  return entries.length === 0 ? 'default' : entries.map(([node, variant]) => `${node}=${variant}`).join(',');
}

function planMetrics(given: string[] | undefined, fields: EvaluationFields, issues: ErrorIssue[]): string[] {
  const resolves = (metric: string) => (METRICS[metric]?.needs ?? []).every((field) => fields[field] !== undefined);
  if (given === undefined) return DEFAULT_METRICS.filter((metric) => metric in METRICS && resolves(metric));
  given.forEach((metric, index) => {
    const info = METRICS[metric];
    if (!info) {
      issues.push({
        path: `body.metrics.${index}`,
        message: `unknown metric "${metric}" (metrics: ${Object.keys(METRICS).join(', ')})`,
      });
      return;
    }
    const missing = info.needs.filter((field) => fields[field] === undefined);
    if (missing.length > 0) {
      issues.push({
        path: `body.metrics.${index}`,
        message: `metric "${metric}" needs ${missing.join(' and ')}, which resolve to nothing: set fields.${missing[0]} (outputs.NAME, inputs.NAME or row.COLUMN)`,
      });
    }
  });
  return [...new Set(given)];
}
