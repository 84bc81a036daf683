import { contentWords } from '../evaluators/groundedness/words.js';

/** The words of a query worth matching: its content words (stopwords dropped), lower-cased, each once. */
export function queryTerms(query: string): string[] {
  return [...new Set(contentWords(query).map((word) => word.raw.toLowerCase()))];
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** The forms a term also matches: its plural or singular with an s or es ("query" does not match "queries"). */
function forms(term: string): string[] {
  const lower = term.toLowerCase();
  const found = [lower, `${lower}s`, `${lower}es`];
  if (lower.endsWith('es') && lower.length > 3) found.push(lower.slice(0, -2));
  if (lower.endsWith('s') && lower.length > 2) found.push(lower.slice(0, -1));
  return found;
}

/**
 * Where the terms occur in a text, as whole words compared without case (a term also matches its plural or singular
 * with s or es): sorted spans for `<mark>` in the editor and terminal highlighting.
 */
export function highlightTerms(text: string, terms: readonly string[]): { start: number; end: number }[] {
  const wanted = new Set(terms.filter((term) => term.trim()).flatMap(forms));
  if (wanted.size === 0) return [];
  const spans: { start: number; end: number }[] = [];
  for (const match of text.matchAll(WORD)) {
    if (wanted.has(match[0].toLowerCase())) spans.push({ start: match.index, end: match.index + match[0].length });
  }
  return spans;
}
