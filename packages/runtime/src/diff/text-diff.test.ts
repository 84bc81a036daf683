import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffText, type TextDiff, type TextLine } from './text-diff.js';

const text = (line: TextLine | undefined) => line?.segments.map((segment) => segment.text).join('');
const changedWords = (line: TextLine | undefined) =>
  line?.segments.filter((segment) => segment.changed).map((segment) => segment.text.trim());

/** Both texts back from a diff with unlimited context: every line of each side, in order. */
function sides(diff: TextDiff): { before: string[]; after: string[] } {
  const rows = diff.hunks.flatMap((hunk) => hunk.rows);
  return {
    before: rows.flatMap((row) => (row.before ? [text(row.before)!] : [])),
    after: rows.flatMap((row) => (row.after ? [text(row.after)!] : [])),
  };
}

const template = [
  'You are a helpful assistant.',
  'Answer the question below.',
  'Question: {{ question }}',
  'Be brief.',
];

describe('diffText', () => {
  it('finds nothing between equal texts', () => {
    expect(diffText('a b\nc', 'a b\nc')).toEqual({ hunks: [], removedWords: 0, addedWords: 0 });
  });

  it('shows an edited word on one row, marked on both sides, with lines of context', () => {
    const after = [...template];
    after[2] = 'Question: {{ question }} (answer in French)';
    after[1] = 'Answer the question below, politely.';
    const diff = diffText(template.join('\n'), after.join('\n'), { context: 1 });
    expect(diff.hunks).toHaveLength(1);
    const rows = diff.hunks[0]!.rows;
    // Context: line 1 above, line 4 below; lines 2 and 3 changed in place.
    expect(rows.map((row) => [row.before?.line, row.after?.line])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(changedWords(rows[0]!.before)).toEqual([]);
    // "below." → "below, politely.": only the inserted words are marked, the full stop is kept.
    expect(changedWords(rows[1]!.before)).toEqual([]);
    expect(rows[1]!.after!.segments).toEqual([
      { text: 'Answer the question below', changed: false },
      { text: ', politely', changed: true },
      { text: '.', changed: false },
    ]);
    expect(changedWords(rows[2]!.after)).toEqual(['(answer in French)']);
    expect(changedWords(rows[3]!.after)).toEqual([]);
    expect(diff.removedWords).toBe(0);
    expect(diff.addedWords).toBe(4);
  });

  it('marks a replaced word on both sides', () => {
    const diff = diffText('Tell a short story about {{ topic }}.', 'Tell a long story about {{ topic }}.');
    const [row] = diff.hunks[0]!.rows;
    expect(changedWords(row!.before)).toEqual(['short']);
    expect(changedWords(row!.after)).toEqual(['long']);
    expect(text(row!.after)).toBe('Tell a long story about {{ topic }}.');
    expect([diff.removedWords, diff.addedWords]).toEqual([1, 1]);
  });

  it('shows added and removed lines on one side only', () => {
    const diff = diffText('a\nb\nc\n', 'a\nc\nd\n');
    const rows = diff.hunks.flatMap((hunk) => hunk.rows);
    const removed = rows.find((row) => row.before && !row.after);
    const added = rows.find((row) => row.after && !row.before);
    expect(text(removed?.before)).toBe('b');
    expect(removed?.before?.line).toBe(2);
    expect(text(added?.after)).toBe('d');
    expect(added?.after?.line).toBe(3);
  });

  it('splits changes far apart into hunks and joins near ones', () => {
    const lines = Array.from({ length: 20 }, (_, index) => `line ${index + 1}`);
    const far = [...lines];
    far[1] = 'changed 2';
    far[17] = 'changed 18';
    expect(diffText(lines.join('\n'), far.join('\n'), { context: 2 }).hunks).toHaveLength(2);
    const near = [...lines];
    near[1] = 'changed 2';
    near[5] = 'changed 6';
    const joined = diffText(lines.join('\n'), near.join('\n'), { context: 2 }).hunks;
    expect(joined).toHaveLength(1);
    expect(joined[0]!.rows.map((row) => row.before?.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps both texts whole: the sides of a diff with full context are the two texts', () => {
    const word = fc.constantFrom('a', 'b', 'the', 'cat', '{{ x }}', '', ' ');
    const line = fc.array(word, { maxLength: 6 }).map((words) => words.join(' '));
    const textArbitrary = fc.array(line, { maxLength: 8 }).map((lines) => lines.join('\n'));
    fc.assert(
      fc.property(textArbitrary, textArbitrary, (before, after) => {
        const diff = diffText(before, after, { context: Number.POSITIVE_INFINITY });
        if (before === after) return diff.hunks.length === 0;
        const { before: b, after: a } = sides(diff);
        const lines = (value: string) => (value === '' ? [] : value.replace(/\n$/, '').split('\n'));
        expect(b).toEqual(lines(before));
        expect(a).toEqual(lines(after));
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
