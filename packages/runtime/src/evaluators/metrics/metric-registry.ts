import { contains, exactMatch, relevance, similarity } from './text-metrics.js';

/** A field of an evaluated item that a metric reads. */
export type MetricField = 'answer' | 'context' | 'question' | 'reference';

export interface MetricInfo {
  name: string;
  description: string;
  /** The fields it needs; an item without one of them gets no value (null) for the metric. */
  needs: MetricField[];
  /** Which way is better, for comparisons: a higher score, or lower latency and fewer tokens. */
  higherIsBetter: boolean;
  unit: 'score' | 'ms' | 'tokens';
}

/**
 * Every metric an evaluation can compute. groundedness needs a scorer (possibly a model), and latency and tokens are
 * taken from the run: the evaluation computes those; the text metrics are in TEXT_METRICS.
 */
export const METRICS: Record<string, MetricInfo> = {
  groundedness: {
    name: 'groundedness',
    description: 'How much of the answer its context supports, in [0, 1] (per sentence: supported or not).',
    needs: ['answer', 'context'],
    higherIsBetter: true,
    unit: 'score',
  },
  relevance: {
    name: 'relevance',
    description: 'Content-word overlap of the answer with the question (TF-IDF cosine within the pair), in [0, 1].',
    needs: ['answer', 'question'],
    higherIsBetter: true,
    unit: 'score',
  },
  exact_match: {
    name: 'exact_match',
    description: 'Whether the answer equals the reference, ignoring case, punctuation, articles and spacing (0 or 1).',
    needs: ['answer', 'reference'],
    higherIsBetter: true,
    unit: 'score',
  },
  contains: {
    name: 'contains',
    description: 'Whether the reference appears in the answer as whole words, normalised as exact_match (0 or 1).',
    needs: ['answer', 'reference'],
    higherIsBetter: true,
    unit: 'score',
  },
  similarity: {
    name: 'similarity',
    description: 'Token F1 between the answer and the reference (as SQuAD scores answers), in [0, 1].',
    needs: ['answer', 'reference'],
    higherIsBetter: true,
    unit: 'score',
  },
  latency: {
    name: 'latency',
    description: 'How long the run took, in milliseconds.',
    needs: [],
    higherIsBetter: false,
    unit: 'ms',
  },
  tokens_in: {
    name: 'tokens_in',
    description: 'Prompt tokens the run sent to models, summed over its LLM calls.',
    needs: [],
    higherIsBetter: false,
    unit: 'tokens',
  },
  tokens_out: {
    name: 'tokens_out',
    description: 'Tokens the run generated, summed over its LLM calls.',
    needs: [],
    higherIsBetter: false,
    unit: 'tokens',
  },
};

export const METRIC_NAMES = Object.keys(METRICS);

export function isMetricName(name: string): boolean {
  return Object.hasOwn(METRICS, name);
}

/** The fields a text metric reads, as texts. */
export interface TextMetricFields {
  answer?: string | null;
  question?: string | null;
  reference?: string | null;
}

/** The metrics computed from text alone, by name. */
export const TEXT_METRICS: Record<string, (fields: { answer: string; question: string; reference: string }) => number> =
  {
    relevance: ({ answer, question }) => relevance(answer, question),
    exact_match: ({ answer, reference }) => exactMatch(answer, reference),
    contains: ({ answer, reference }) => contains(answer, reference),
    similarity: ({ answer, reference }) => similarity(answer, reference),
  };

/**
 * A text metric's value for one item, or null when the item lacks a field the metric needs (no reference in the
 * row, say) or the metric is not a text metric.
 */
export function scoreTextMetric(name: string, fields: TextMetricFields): number | null {
  const score = Object.hasOwn(TEXT_METRICS, name) ? TEXT_METRICS[name] : undefined;
  if (!score) return null;
  const { answer, question, reference } = fields;
  const given = { answer, question, reference } as Record<string, unknown>;
  if (METRICS[name]!.needs.some((field) => typeof given[field] !== 'string')) return null;
  return score({ answer: answer ?? '', question: question ?? '', reference: reference ?? '' });
}
