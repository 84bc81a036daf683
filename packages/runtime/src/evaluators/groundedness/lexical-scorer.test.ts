import { describe, expect, it } from 'vitest';
import { defaultGroundednessScorer, LEXICAL_THRESHOLD } from './lexical-scorer.js';

const context = [
  'The Eiffel Tower is a wrought-iron lattice tower in Paris, France.',
  'It was designed by the engineering company of Gustave Eiffel and completed in 1889.',
  'The tower is 330 metres tall and was the tallest man-made structure in the world for 41 years.',
  'Construction did not use any concrete above the foundations.',
  'Millions of people visit it every year.',
].join(' ');

const scorer = defaultGroundednessScorer();
const score = (answer: string, given: string | string[] = context) => scorer.scoreNow({ answer, context: given });

describe('the default groundedness scorer', () => {
  it('supports a paraphrased claim and names the context sentence that supports it', () => {
    const result = score('The Eiffel Tower was completed in 1889, designed by the company of Gustave Eiffel.');
    expect(result.supported).toBe(true);
    expect(result.score).toBeGreaterThan(0.8);
    expect(result.rating).toBeGreaterThanOrEqual(4);
    expect(result.sentences).toHaveLength(1);
    expect(result.sentences[0]!.evidence[0]!.text).toBe(
      'It was designed by the engineering company of Gustave Eiffel and completed in 1889.',
    );
    const { start, end } = result.sentences[0]!.evidence[0]!;
    expect(context.slice(start, end)).toBe(result.sentences[0]!.evidence[0]!.text);
  });

  it('does not support a claim whose number the context contradicts', () => {
    expect(score('The Eiffel Tower was completed in 1889.').supported).toBe(true);
    const wrong = score('The Eiffel Tower was completed in 1925.');
    expect(wrong.supported).toBe(false);
    expect(wrong.score).toBeLessThan(score('The Eiffel Tower was completed in 1889.').score);
  });

  it('does not support a claim that negates what the context says, or affirms what it negates', () => {
    expect(score('The tower was designed by the company of Gustave Eiffel.').supported).toBe(true);
    expect(score('The tower was not designed by the company of Gustave Eiffel.').supported).toBe(false);
    expect(score('Construction used concrete above the foundations.').supported).toBe(false);
    expect(score('Construction did not use concrete above the foundations.').supported).toBe(true);
  });

  it('does not support an unrelated claim', () => {
    const result = score('The Golden Gate Bridge opened in San Francisco in 1937.');
    expect(result.supported).toBe(false);
    expect(result.score).toBeLessThan(0.3);
    expect(result.rating).toBeLessThanOrEqual(2);
  });

  it('judges each sentence: one unsupported sentence makes the answer unsupported, and is the one marked', () => {
    const result = score('The tower stands in Paris. It is made of solid gold and owned by Elon Musk.');
    expect(result.sentences.map((sentence) => sentence.supported)).toEqual([true, false]);
    expect(result.supported).toBe(false);
    expect(result.score).toBe(Math.min(...result.sentences.map((sentence) => sentence.score)));
    expect(result.sentences[1]!.text).toBe('It is made of solid gold and owned by Elon Musk.');
  });

  it('takes passages, and says which passage the evidence is in', () => {
    const passages = ['Paris is the capital of France.', 'The Eiffel Tower is 330 metres tall.'];
    const result = score('The Eiffel Tower is 330 metres tall.', passages);
    expect(result.supported).toBe(true);
    expect(result.sentences[0]!.evidence[0]).toMatchObject({
      passage: 1,
      text: 'The Eiffel Tower is 330 metres tall.',
    });
  });

  it('scores an empty answer 1 (it claims nothing), and uses the threshold it is given', () => {
    expect(score('')).toMatchObject({ score: 1, supported: true, sentences: [] });
    const result = scorer.scoreNow({ answer: 'The tower is in Paris.', context }, 1.01);
    expect(result).toMatchObject({ threshold: 1.01, supported: false, scorer: 'default' });
    expect(scorer.defaultThreshold).toBe(LEXICAL_THRESHOLD);
  });
});
