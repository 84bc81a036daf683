import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.js';

const texts = (text: string) => splitSentences(text).map((sentence) => sentence.text);

describe('splitSentences', () => {
  it('splits at sentence ends and line breaks, with offsets into the text', () => {
    const text = 'First one. Second one!  Third?\n- a list item\n\nA heading';
    const sentences = splitSentences(text);
    expect(sentences.map((sentence) => sentence.text)).toEqual([
      'First one.',
      'Second one!',
      'Third?',
      '- a list item',
      'A heading',
    ]);
    for (const sentence of sentences) expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
  });

  it('does not split after abbreviations, initials or inside numbers', () => {
    expect(texts('Mr. Smith met J. K. Rowling in the U.S. in 2016. It cost $3.5 million, i.e. a lot.')).toEqual([
      'Mr. Smith met J. K. Rowling in the U.S. in 2016.',
      'It cost $3.5 million, i.e. a lot.',
    ]);
  });

  it('gives nothing for empty or blank text', () => {
    expect(texts('')).toEqual([]);
    expect(texts(' \n\t ')).toEqual([]);
  });
});
