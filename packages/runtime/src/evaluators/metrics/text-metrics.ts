import { splitSentences } from '../groundedness/sentences.js';
import { contentWords } from '../groundedness/words.js';

/**
 * Text metrics of an answer against the question or a reference answer. Pure and browser-safe. Each returns a number
 * in [0, 1]; exactMatch and contains return 0 or 1.
 */

/**
 * SQuAD's answer normalisation: lower case, punctuation and the articles a/an/the removed, whitespace collapsed. So
 * "The Eiffel Tower." matches "eiffel tower".
 */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** 1 when the answer and the reference are equal once normalised, else 0. */
export function exactMatch(answer: string, reference: string): number {
  return normalizeAnswer(answer) === normalizeAnswer(reference) ? 1 : 0;
}

/**
 * 1 when the normalised reference appears in the normalised answer as whole words ("Paris" in "It is in Paris.", not
 * "art" in "party"), else 0. An empty reference is contained only in an empty answer.
 */
export function contains(answer: string, reference: string): number {
  const needle = normalizeAnswer(reference);
  const haystack = normalizeAnswer(answer);
  if (needle === '') return haystack === '' ? 1 : 0;
  return ` ${haystack} `.includes(` ${needle} `) ? 1 : 0;
}

/**
 * Token F1 between the answer and the reference (SQuAD's F1): the harmonic mean of the share of the answer's words
 * found in the reference and the share of the reference's words found in the answer, words counted with their
 * multiplicity after normalisation. Two empty texts are equal (1); one empty text shares nothing (0).
 */
export function similarity(answer: string, reference: string): number {
  const a = tokens(answer);
  const r = tokens(reference);
  if (a.length === 0 || r.length === 0) return a.length === r.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of r) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of a) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common++;
      counts.set(token, left - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / a.length;
  const recall = common / r.length;
  return (2 * precision * recall) / (precision + recall);
}

function tokens(text: string): string[] {
  const normalized = normalizeAnswer(text);
  return normalized === '' ? [] : normalized.split(' ');
}

/**
 * How relevant the answer is to the question, in [0, 1]: the cosine between the two texts' content words (stopwords
 * dropped, words stemmed, number words as numbers: the groundedness module's `contentWords`).
 *
 * Words are weighted as in TF-IDF, with the pair itself as the corpus: each sentence of the question and of the
 * answer is a document, a word's weight is `(1 + ln tf) * ln(1 + N / df)` (N sentences, df of them holding the word).
 * Without a corpus this is the best estimate of which words are specific: a word every sentence repeats says little
 * about what the answer is about. A question or answer without content words ("Why?") scores 0.
 *
 * This is lexical: an answer that addresses the question in other words scores low, one that repeats the question
 * scores high. It ranks variants of the same flow; it is not an absolute judgement.
 */
export function relevance(answer: string, question: string): number {
  const answerSentences = sentencesOf(answer);
  const questionSentences = sentencesOf(question);
  const documents = [...answerSentences, ...questionSentences].map((sentence) => keysOf(sentence));
  const documentFrequency = new Map<string, number>();
  for (const keys of documents)
    for (const key of new Set(keys)) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
  const weigh = (keys: string[]) => {
    const counts = new Map<string, number>();
    for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
    const weights = new Map<string, number>();
    for (const [key, count] of counts) {
      weights.set(key, (1 + Math.log(count)) * Math.log(1 + documents.length / documentFrequency.get(key)!));
    }
    return weights;
  };
  const a = weigh(answerSentences.flatMap(keysOf));
  const q = weigh(questionSentences.flatMap(keysOf));
  if (a.size === 0 || q.size === 0) return 0;
  let dot = 0;
  for (const [key, weight] of q) dot += weight * (a.get(key) ?? 0);
  const norm = (weights: Map<string, number>) => Math.sqrt([...weights.values()].reduce((sum, w) => sum + w * w, 0));
  return Math.min(1, dot / (norm(a) * norm(q)));
}

function keysOf(text: string): string[] {
  return contentWords(text).map((word) => word.key);
}

function sentencesOf(text: string): string[] {
  return splitSentences(text).map((sentence) => sentence.text);
}
