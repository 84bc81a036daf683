import { describe, expect, it } from 'vitest';
import { highlightPieces } from './highlight.js';

describe('highlightPieces', () => {
  it('cuts the text at the spans, keeping every character once and in order', () => {
    const pieces = highlightPieces('Run npm install to install.', [
      { start: 19, end: 26 },
      { start: 8, end: 15 },
    ]);
    expect(pieces).toEqual([
      { text: 'Run npm ', highlighted: false },
      { text: 'install', highlighted: true },
      { text: ' to ', highlighted: false },
      { text: 'install', highlighted: true },
      { text: '.', highlighted: false },
    ]);
  });

  it('merges overlapping and touching spans and clamps spans to the text', () => {
    const pieces = highlightPieces('abcdef', [
      { start: 1, end: 3 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
      { start: -3, end: 0 },
      { start: 5, end: 99 },
    ]);
    expect(pieces).toEqual([
      { text: 'a', highlighted: false },
      { text: 'bcdef', highlighted: true },
    ]);
  });

  it('leaves the text whole without spans, and ignores empty or reversed ones', () => {
    expect(highlightPieces('plain', [])).toEqual([{ text: 'plain', highlighted: false }]);
    expect(
      highlightPieces('plain', [
        { start: 3, end: 3 },
        { start: 4, end: 1 },
      ]),
    ).toEqual([{ text: 'plain', highlighted: false }]);
    expect(highlightPieces('', [{ start: 0, end: 2 }])).toEqual([]);
  });
});
