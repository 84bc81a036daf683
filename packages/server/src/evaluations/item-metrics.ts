import {
  contains,
  exactMatch,
  type GroundednessResult,
  type GroundednessScorer,
  relevance,
  similarity,
} from '@groundwork/runtime/evaluators';

/** What one item's metrics are computed from. */
export interface MetricInputs {
  answer: string | null;
  context: string | string[] | null;
  question: string | null;
  reference: string | null;
  durationMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
}

/** Text metrics: a function of the answer and one other field. */
const TEXT_METRICS: Record<
  string,
  { field: 'question' | 'reference'; score: (answer: string, other: string) => number }
> = {
  relevance: { field: 'question', score: relevance },
  exact_match: { field: 'reference', score: exactMatch },
  contains: { field: 'reference', score: contains },
  similarity: { field: 'reference', score: similarity },
};

/**
 * The item's value of each metric (null where a value it needs is missing, an empty answer included for text
 * metrics), and the groundedness verdict with its sentences when groundedness is asked for. A scorer that throws
 * (an LLM judge whose model failed) fails the item: the caller records the error.
 */
export async function itemMetrics(
  metrics: readonly string[],
  inputs: MetricInputs,
  scorer: GroundednessScorer | undefined,
  signal: AbortSignal,
): Promise<{ metrics: Record<string, number | null>; groundedness: GroundednessResult | null }> {
  const values: Record<string, number | null> = {};
  let groundedness: GroundednessResult | null = null;
  for (const metric of metrics) {
    const text = TEXT_METRICS[metric];
    if (text) {
      const other = inputs[text.field];
      values[metric] = inputs.answer === null || other === null ? null : text.score(inputs.answer, other);
      continue;
    }
    switch (metric) {
      case 'groundedness':
        if (scorer && inputs.answer !== null && inputs.context !== null) {
          groundedness = await scorer.score(
            {
              answer: inputs.answer,
              context: inputs.context,
              ...(inputs.question === null ? {} : { question: inputs.question }),
            },
            { signal },
          );
        }
        values[metric] = groundedness?.score ?? null;
        break;
      case 'latency':
        values[metric] = inputs.durationMs;
        break;
      case 'tokens_in':
        values[metric] = inputs.tokensIn;
        break;
      case 'tokens_out':
        values[metric] = inputs.tokensOut;
        break;
      default:
        values[metric] = null;
    }
  }
  return { metrics: values, groundedness };
}
