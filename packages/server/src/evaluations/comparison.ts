import { bootstrapMean, METRICS, pairedComparison } from '@groundwork/runtime/evaluators';
import { HttpError } from '../http/http-error.js';
import { now } from '../ids.js';
import { requireSameDataset, resolveSide, type Side } from './evaluation-sides.js';
import type { EvaluationsRepository } from './evaluations.repository.js';
import type { Comparison } from './evaluations.schemas.js';
import { PreferencesRepository, type SidePreference } from './preferences.repository.js';

/**
 * Paired comparisons between two sides (a combination of an evaluation each, over the same dataset): per row the
 * metric on both sides and b − a, the mean difference with its 95% bootstrap interval, and rows better/worse/equal
 * for b in the metric's direction; and the preferences people stored per row.
 */
export class Comparisons {
  private readonly preferences: PreferencesRepository;

  constructor(private readonly repository: EvaluationsRepository) {
    this.preferences = new PreferencesRepository(repository.db);
  }

  compare(query: { a: string; b: string; metric?: string | undefined }): Comparison {
    const a = resolveSide(this.repository, query.a, 'query.a');
    const b = resolveSide(this.repository, query.b, 'query.b');
    requireSameDataset(a, b, 'query.b');
    const metric = this.metricFor(a, b, query.metric);
    const higherIsBetter = METRICS[metric]?.higherIsBetter ?? true;
    const valuesA = this.repository.metricValues(a.evaluation.id, a.combination.index, metric);
    const valuesB = this.repository.metricValues(b.evaluation.id, b.combination.index, metric);
    const preferences = this.preferences.between(sidePair(a, b));
    const rowCount = Math.max(rowsOf(a), rowsOf(b));
    const rows: Comparison['rows'] = [];
    const columnA: (number | null)[] = [];
    const columnB: (number | null)[] = [];
    for (let row = 0; row < rowCount; row++) {
      const valueA = valuesA.get(row) ?? null;
      const valueB = valuesB.get(row) ?? null;
      columnA.push(valueA);
      columnB.push(valueB);
      const difference = valueA === null || valueB === null ? null : valueB - valueA;
      rows.push({ row, a: valueA, b: valueB, difference, preference: preferences.get(row) ?? null });
    }
    const seed = a.evaluation.seed;
    const paired = pairedComparison(columnA, columnB, { higherIsBetter, seed });
    const both = rows.filter((row) => row.difference !== null);
    const side = (which: Side, values: number[]) => ({
      evaluation: which.evaluation.id,
      combination: which.combination.index,
      key: which.combination.key,
      flowVersion: which.evaluation.flowVersion,
      ...estimate(values, seed),
    });
    return {
      metric,
      higherIsBetter,
      a: side(
        a,
        both.map((row) => row.a!),
      ),
      b: side(
        b,
        both.map((row) => row.b!),
      ),
      difference: paired.n === 0 ? { mean: 0, low: 0, high: 0 } : paired.difference,
      better: paired.better,
      worse: paired.worse,
      equal: paired.equal,
      rows,
    };
  }

  /** Stores (or replaces) which side a person preferred on a row. */
  setPreference(body: { a: string; b: string; row: number; preferred: 'a' | 'b' | 'tie' }) {
    const pair = this.pairAt(body);
    this.preferences.save(pair, body.preferred, now());
    return body;
  }

  /** 204 when removed; 404 when there was none. */
  deletePreference(body: { a: string; b: string; row: number }): void {
    if (!this.preferences.delete(this.pairAt(body))) {
      throw HttpError.notFound(`a preference between ${body.a} and ${body.b} on row ${body.row}`);
    }
  }

  private pairAt(body: { a: string; b: string; row: number }): SidePreference {
    const a = resolveSide(this.repository, body.a, 'body.a');
    const b = resolveSide(this.repository, body.b, 'body.b');
    requireSameDataset(a, b, 'body.b');
    const rows = rowsOf(a);
    if (body.row >= rows) {
      const message = `the dataset has rows 0 to ${rows - 1}`;
      throw new HttpError('invalid-request', `body.row: ${message}`, { issues: [{ path: 'body.row', message }] });
    }
    return { ...sidePair(a, b), row: body.row };
  }

  /** The metric asked for, which both sides must have computed; else groundedness, else the first they share. */
  private metricFor(a: Side, b: Side, asked: string | undefined): string {
    const shared = a.evaluation.metrics.filter((metric) => b.evaluation.metrics.includes(metric));
    if (asked !== undefined && shared.includes(asked)) return asked;
    if (asked === undefined && shared.length > 0) return shared.includes('groundedness') ? 'groundedness' : shared[0]!;
    const message =
      asked === undefined
        ? 'the two evaluations share no metric'
        : `metric "${asked}" was not computed by both evaluations (both have: ${shared.join(', ') || 'none'})`;
    throw new HttpError('invalid-request', `query.metric: ${message}`, { issues: [{ path: 'query.metric', message }] });
  }
}

function sidePair(a: Side, b: Side): Omit<SidePreference, 'row'> {
  return {
    aEvaluation: a.evaluation.id,
    aCombination: a.combination.index,
    bEvaluation: b.evaluation.id,
    bCombination: b.combination.index,
  };
}

/** An evaluation's row count: its items per combination. */
function rowsOf(side: Side): number {
  return side.evaluation.progress.total / Math.max(1, side.evaluation.combinations.length);
}

/** Mean and 95% bootstrap interval; zeros with n = 0 when there are no values yet. */
export function estimate(values: number[], seed: number): { mean: number; low: number; high: number; n: number } {
  if (values.length === 0) return { mean: 0, low: 0, high: 0, n: 0 };
  const { mean, low, high, n } = bootstrapMean(values, { seed });
  return { mean, low, high, n };
}
