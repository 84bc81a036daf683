import { diffText } from '@groundwork/runtime/diff';
import { describe, expect, it } from 'vitest';
import { foldSpaces, mergeSegments, renderTextDiff } from './text-diff-render.js';

const ESC = '\u001b[';
const INVERSE_ON = `${ESC}7m`;
const INVERSE_OFF = `${ESC}27m`;
const RED = `${ESC}31m`;
const GREEN = `${ESC}32m`;

describe('renderTextDiff without colour', () => {
  it('marks a word edited in place once, as git --word-diff does, with both line numbers', () => {
    const lines = renderTextDiff(diffText('Be brief.\n', 'Be concise.\n'), { color: false });
    expect(lines).toEqual(['~ 1 1  Be [-brief-]{+concise+}.']);
  });

  it('prefixes context with a space, removed lines with -, added lines with +, each with its line numbers', () => {
    const before = 'one\ntwo\nthree\nfour\n';
    const after = 'one\nthree\nfour\nfive\n';
    expect(renderTextDiff(diffText(before, after, { context: 1 }), { color: false, indent: '  ' })).toEqual([
      '    1 1  one',
      '  - 2    two',
      '    3 2  three',
      '    4 3  four',
      '  +   4  five',
    ]);
  });

  it('separates hunks with a … line and pads line numbers to one width', () => {
    const before = Array.from({ length: 12 }, (_, index) => `line ${index + 1}`).join('\n');
    const after = before.replace('line 2', 'line two').replace('line 11', 'line eleven');
    const lines = renderTextDiff(diffText(before, after, { context: 0 }), { color: false });
    expect(lines).toEqual(['~  2  2  line [-2-]{+two+}', '  …', '~ 11 11  line [-11-]{+eleven+}']);
  });

  it('shows a rewritten line (no words shared) as a - and a + line, unmarked', () => {
    expect(renderTextDiff(diffText('Hello there\n', 'Goodbye now\n'), { color: false })).toEqual([
      '- 1    Hello there',
      '+   1  Goodbye now',
    ]);
  });
});

describe('renderTextDiff in colour', () => {
  it('shows an edited line as red and green lines, the changed words in inverse, and no [- -] markers', () => {
    const lines = renderTextDiff(diffText('Be brief.\n', 'Be concise.\n'), { color: true });
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(`${RED}Be ${INVERSE_ON}brief${INVERSE_OFF}.`);
    expect(lines[1]).toContain(`${GREEN}Be ${INVERSE_ON}concise${INVERSE_OFF}.`);
    expect(lines.join('\n')).not.toMatch(/\[-|\{\+/);
  });

  it('leaves context lines uncoloured', () => {
    const lines = renderTextDiff(diffText('a\nb\n', 'a\nc\n'), { color: true });
    expect(lines[0]).toBe('  1 1  a');
  });
});

describe('mergeSegments', () => {
  it('merges sides whose unchanged text is split differently', () => {
    const merged = mergeSegments(
      [{ text: 'Answers a question.', changed: false }],
      [
        { text: 'Answers a question', changed: false },
        { text: ' briefly', changed: true },
        { text: '.', changed: false },
      ],
    );
    expect(merged).toBe('Answers a question{+ briefly+}.');
  });

  it('refuses sides that do not share their unchanged text', () => {
    expect(
      mergeSegments(
        [
          { text: 'a ', changed: false },
          { text: 'b', changed: true },
        ],
        [
          { text: 'c ', changed: false },
          { text: 'd', changed: true },
        ],
      ),
    ).toBeUndefined();
  });
});

describe('foldSpaces', () => {
  it('joins changed words with the unchanged spaces between them, and only those', () => {
    expect(
      foldSpaces([
        { text: 'in ', changed: false },
        { text: 'one', changed: true },
        { text: ' ', changed: false },
        { text: 'sentence', changed: true },
        { text: ' ', changed: false },
        { text: 'please', changed: false },
      ]),
    ).toEqual([
      { text: 'in ', changed: false },
      { text: 'one sentence', changed: true },
      { text: ' ', changed: false },
      { text: 'please', changed: false },
    ]);
  });
});
