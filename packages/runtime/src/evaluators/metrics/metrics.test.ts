import { describe, expect, it } from 'vitest';
import { METRICS, scoreTextMetric } from './metric-registry.js';
import { contains, exactMatch, normalizeAnswer, relevance, similarity } from './text-metrics.js';

describe('exact match, contains and similarity', () => {
  it('normalises case, punctuation, articles and spacing', () => {
    expect(normalizeAnswer('  The Eiffel   Tower! ')).toBe('eiffel tower');
    expect(exactMatch('The Eiffel Tower.', 'eiffel tower')).toBe(1);
    expect(exactMatch('Eiffel Tower, Paris', 'Eiffel Tower')).toBe(0);
  });

  it('finds the reference as whole words only', () => {
    expect(contains('It stands in Paris, France.', 'paris')).toBe(1);
    expect(contains('It was quite a party.', 'art')).toBe(0);
    expect(contains('anything', '')).toBe(0);
    expect(contains('', '...')).toBe(1);
  });

  it('scores token F1 as SQuAD does', () => {
    // answer: [eiffel, tower, paris], reference: [eiffel, tower]: precision 2/3, recall 1 → F1 0.8
    expect(similarity('the Eiffel Tower, Paris', 'Eiffel Tower')).toBeCloseTo(0.8, 10);
    expect(similarity('same words', 'Same words.')).toBe(1);
    expect(similarity('nothing shared', 'else entirely')).toBe(0);
    // duplicates count once each: answer [a, a] vs reference [a] → precision 1/2, recall 1
    expect(similarity('x x', 'x')).toBeCloseTo(2 / 3, 10);
    expect(similarity('', '')).toBe(1);
    expect(similarity('', 'x')).toBe(0);
  });
});

describe('relevance', () => {
  const question = 'When was the Eiffel Tower completed?';

  it('ranks an answer about the question above one about something else', () => {
    const onTopic = relevance('The Eiffel Tower was completed in 1889.', question);
    const offTopic = relevance('Bananas are rich in potassium.', question);
    expect(onTopic).toBeGreaterThan(0.5);
    expect(offTopic).toBe(0);
  });

  it('compares stems, so other forms of the same word count', () => {
    expect(relevance('They complete towers.', 'completed tower')).toBeCloseTo(1, 10);
  });

  it('lowers the score of an answer padded with unrelated content', () => {
    const focused = relevance('The Eiffel Tower was completed in 1889.', question);
    const padded = relevance(
      'The Eiffel Tower was completed in 1889. Bananas grow in tropical climates. Penguins cannot fly.',
      question,
    );
    expect(padded).toBeLessThan(focused);
    expect(padded).toBeGreaterThan(0);
  });

  it('stays in [0, 1] and is 0 without content words', () => {
    expect(relevance('Why?', 'Why?')).toBe(0);
    expect(relevance('', question)).toBe(0);
    const score = relevance('Eiffel Eiffel Eiffel tower tower', 'Eiffel tower');
    expect(score).toBeGreaterThan(0.9);
    expect(score).toBeLessThanOrEqual(1);
  });
});

describe('the metric registry', () => {
  it('describes every metric with its direction and unit', () => {
    expect(Object.keys(METRICS).sort()).toEqual(
      [
        'contains',
        'exact_match',
        'groundedness',
        'latency',
        'relevance',
        'similarity',
        'tokens_in',
        'tokens_out',
      ].sort(),
    );
    for (const [name, info] of Object.entries(METRICS)) expect(info.name).toBe(name);
    expect(METRICS.latency).toMatchObject({ higherIsBetter: false, unit: 'ms', needs: [] });
    expect(METRICS.groundedness!.needs).toEqual(['answer', 'context']);
  });

  it('scores text metrics by name, and gives null when a needed field is missing', () => {
    expect(scoreTextMetric('exact_match', { answer: 'Paris.', reference: 'paris' })).toBe(1);
    expect(scoreTextMetric('similarity', { answer: 'Paris' })).toBeNull();
    expect(scoreTextMetric('relevance', { answer: 'x', question: null })).toBeNull();
    expect(scoreTextMetric('latency', { answer: 'x' })).toBeNull();
    expect(scoreTextMetric('toString', { answer: 'x' })).toBeNull();
  });
});
