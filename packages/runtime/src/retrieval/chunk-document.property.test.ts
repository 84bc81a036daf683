/**
 * Properties of chunking on generated documents (words, sentences, headings, blank lines, over-long runs): every
 * chunk is exactly its span of the text, fits the size, sits under one heading, and together the chunks cover every
 * non-space character of the text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document.js';

const word = fc.constantFrom('alpha', 'beta', 'Gamma', 'délta', 'e.g.', 'Mr.', '3.5', 'x', 'supercalifragilistic');
const sentence = fc
  .array(word, { minLength: 1, maxLength: 40 })
  .chain((words) => fc.constantFrom('.', '!', '?', '').map((end) => words.join(' ') + end));
const line = fc.oneof(
  { weight: 6, arbitrary: fc.array(sentence, { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' ')) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 1, max: 4 }), word).map(([level, title]) => `${'#'.repeat(level)} ${title}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\t') },
);
const document = fc.array(line, { minLength: 1, maxLength: 30 }).map((lines) => lines.join('\n'));

describe('chunkDocument properties', () => {
  it('gives exact, bounded spans that cover the text, never across a heading', () => {
    fc.assert(
      fc.property(
        document.filter((text) => text.trim().length > 0),
        fc.constantFrom<'text' | 'markdown'>('text', 'markdown'),
        fc.integer({ min: 100, max: 400 }),
        fc.integer({ min: 0, max: 49 }),
        (content, format, size, overlap) => {
          const { text, chunks } = chunkDocument(content, { format, size, overlap });
          const covered = new Uint8Array(text.length);
          chunks.forEach((chunk, index) => {
            expect(chunk.index).toBe(index);
            expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
            expect(chunk.text).toBe(chunk.text.trim());
            expect(chunk.end - chunk.start).toBeLessThanOrEqual(size);
            if (format === 'markdown') {
              // A heading line only ever opens a chunk.
              expect(chunk.text.slice(1)).not.toMatch(/\n#{1,6} /);
            }
            covered.fill(1, chunk.start, chunk.end);
          });
          for (let at = 0; at < text.length; at++) {
            if (!/\s/.test(text[at]!)) expect(covered[at]).toBe(1);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
