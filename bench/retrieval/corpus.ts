/**
 * A seeded generated corpus for the retrieval benchmark: pseudo-words drawn with a Zipf distribution (as word
 * frequencies in real text fall off), sentences of 6 to 22 words, 150 to 400 words a document, and Markdown
 * headings in half of them. The same seed gives the same documents and queries.
 */
import { mulberry32 as random } from '@groundwork/runtime/evaluators';

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'st', 'tr', 'pl', 'gr'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'ou'];
const CODAS = ['', '', 'n', 'r', 's', 't', 'l', 'nd', 'ck'];

export interface Corpus {
  vocabulary: string[];
  /** A word rank drawn with Zipf weights from ranks [from, to). */
  word(from?: number, to?: number): string;
  next: () => number;
}

/** A vocabulary of distinct pseudo-words, most frequent first, and a Zipf sampler over it (exponent 1.07). */
export function corpus(seed: number, size = 20000): Corpus {
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!;
  const seen = new Set<string>();
  const vocabulary: string[] = [];
  while (vocabulary.length < size) {
    // Frequent words are short, as in real text.
    const syllables = 1 + Math.floor(next() * (vocabulary.length < 200 ? 1.5 : 3.5));
    let word = '';
    for (let index = 0; index < syllables; index++) word += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
    if (!seen.has(word)) {
      seen.add(word);
      vocabulary.push(word);
    }
  }
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) {
    total += 1 / (rank + 1) ** 1.07;
    cumulative[rank] = total;
  }
  const word = (from = 0, to = size) => {
    const low = from === 0 ? 0 : cumulative[from - 1]!;
    const target = low + next() * (cumulative[to - 1]! - low);
    let lo = from;
    let hi = to - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return vocabulary[lo]!;
  };
  return { vocabulary, word, next };
}

function sentence(words: Corpus, length: number): string {
  const parts = Array.from({ length }, () => words.word());
  const first = parts[0]!;
  parts[0] = first[0]!.toUpperCase() + first.slice(1);
  return `${parts.join(' ')}.`;
}

/** One document: 150 to 400 words in paragraphs; half the documents have a title and section headings. */
export function document(words: Corpus): string {
  const target = 150 + Math.floor(words.next() * 251);
  const headed = words.next() < 0.5;
  const lines: string[] = headed ? [`# ${sentence(words, 2 + Math.floor(words.next() * 3)).slice(0, -1)}`, ''] : [];
  let count = 0;
  while (count < target) {
    if (headed && count > 0 && words.next() < 0.35) {
      lines.push(`## ${sentence(words, 1 + Math.floor(words.next() * 3)).slice(0, -1)}`, '');
    }
    const sentences: string[] = [];
    for (let index = 3 + Math.floor(words.next() * 4); index > 0 && count < target; index--) {
      const length = Math.min(target - count, 6 + Math.floor(words.next() * 17));
      sentences.push(sentence(words, length));
      count += length;
    }
    lines.push(sentences.join(' '), '');
  }
  return lines.join('\n');
}

/** A query of 2 to 4 content words: ranks from 100 on (the most frequent words behave as stop words). */
export function query(words: Corpus): string {
  const length = 2 + Math.floor(words.next() * 3);
  return Array.from({ length }, () => words.word(100)).join(' ');
}
