import { describe, expect, it } from 'vitest';
import { highlightTerms, queryTerms } from './highlight.js';

const marked = (text: string, terms: string[]) =>
  highlightTerms(text, terms).map((span) => text.slice(span.start, span.end));

describe('queryTerms', () => {
  it('keeps the content words, lower-cased, once each', () => {
    expect(queryTerms('How do I install Groundwork from NPM? install it!')).toEqual(['install', 'groundwork', 'npm']);
    expect(queryTerms('the of and')).toEqual([]);
  });
});

describe('highlightTerms', () => {
  it('finds whole words without case, with plural and singular forms', () => {
    const text = 'Cars and a car; the carpet. Boxes, box! Install installs reinstall.';
    expect(marked(text, ['car'])).toEqual(['Cars', 'car']);
    expect(marked(text, ['boxes'])).toEqual(['Boxes', 'box']);
    expect(marked(text, ['box'])).toEqual(['Boxes', 'box']);
    expect(marked(text, ['INSTALL'])).toEqual(['Install', 'installs']);
    expect(highlightTerms(text, ['car'])[0]).toEqual({ start: 0, end: 4 });
  });

  it('returns spans in text order for several terms, and none for no terms', () => {
    expect(marked('Dogs chase a cat; the dog sleeps.', ['cat', 'dog'])).toEqual(['Dogs', 'cat', 'dog']);
    expect(highlightTerms('anything', [])).toEqual([]);
    expect(highlightTerms('anything', ['  '])).toEqual([]);
  });
});
