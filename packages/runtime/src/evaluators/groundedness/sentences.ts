import type { TextSpan } from './types.js';

/** Words that end with a full stop without ending a sentence. Compared lower-case, without the stop. */
const ABBREVIATIONS = new Set(
  (
    'mr mrs ms dr prof sr jr st mt ft no nos vs etc al inc ltd co corp dept est approx fig gen gov sen rep rev col ' +
    'lt sgt capt cmdr adm jan feb mar apr jun jul aug sep sept oct nov dec e.g i.e cf ca vol pp op ed eds'
  ).split(' '),
);

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

/**
 * The sentences of a text with their offsets: Unicode sentence boundaries (Intl.Segmenter), then line breaks (a list
 * item or heading is its own sentence), then joined again where a boundary follows an abbreviation (`Mr.`, `U.S.`)
 * or an initial (`J. K. Rowling`). Whitespace around sentences is not part of them; empty ones are dropped.
 */
export function splitSentences(text: string): TextSpan[] {
  const pieces: TextSpan[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    let offset = index;
    for (const line of segment.split('\n')) {
      pushTrimmed(pieces, text, offset, offset + line.length);
      offset += line.length + 1;
    }
  }
  const sentences: TextSpan[] = [];
  for (const piece of pieces) {
    const previous = sentences.at(-1);
    if (previous && continuesAfter(previous.text) && !text.slice(previous.end, piece.start).includes('\n')) {
      previous.end = piece.end;
      previous.text = text.slice(previous.start, previous.end);
    } else {
      sentences.push(piece);
    }
  }
  return sentences;
}

function pushTrimmed(into: TextSpan[], text: string, start: number, end: number): void {
  let from = start;
  let to = end;
  while (from < to && /\s/.test(text[from]!)) from++;
  while (to > from && /\s/.test(text[to - 1]!)) to--;
  if (to > from) into.push({ text: text.slice(from, to), start: from, end: to });
}

/** Whether a piece ends with an abbreviation or an initial rather than the end of a sentence. */
function continuesAfter(piece: string): boolean {
  const last = /(\S+)\.$/.exec(piece)?.[1];
  if (!last) return false;
  const word = last.replace(/^[("'“‘[]+/, '');
  if (/^\p{Lu}$/u.test(word)) return true; // an initial: J. K.
  if (/^(\p{L}\.)+\p{L}$/u.test(word)) return true; // U.S, e.g, Ph.D
  return ABBREVIATIONS.has(word.toLowerCase());
}
