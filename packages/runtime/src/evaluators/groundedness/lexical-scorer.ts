import { splitSentences } from './sentences.js';
import {
  type Evidence,
  type GroundednessInput,
  type GroundednessResult,
  type GroundednessScorer,
  ratingOf,
  type ScoreOptions,
  type SentenceVerdict,
  type TextSpan,
} from './types.js';
import { contentWords, negatedKeys, type Word } from './words.js';

export interface LexicalOptions {
  /** Context sentences that together may support one answer sentence. */
  evidenceSentences: number;
  /** Weight multipliers: numbers and names must match to support a claim. */
  numberWeight: number;
  nameWeight: number;
  /** Factor applied to a sentence's score when it and its evidence disagree on negation. */
  negationFactor: number;
  /** Factor per number of the sentence found nowhere in the context. */
  missingNumberFactor: number;
  /** Share of the score that comes from the single best sentence (the rest from all chosen evidence). */
  focus: number;
  /** Each missing word (weighted relative to the sentence's average word) multiplies the score by exp(-missingCost). */
  missingCost: number;
  /** The raw score mapped to 0.5 (the threshold); below and above it the map is linear. */
  pivot: number;
}

export const LEXICAL_DEFAULTS: LexicalOptions = {
  evidenceSentences: 3,
  numberWeight: 2,
  nameWeight: 1.5,
  negationFactor: 0.3,
  missingNumberFactor: 0.5,
  focus: 0.3,
  missingCost: 0.05,
  pivot: 0.377,
};

/**
 * Scores are stretched so that the raw score that best separates supported from unsupported claims on the dev set
 * (`pivot`, chosen on ../shared/eval: see docs/benchmarks.md) lands on 0.5, the default threshold: a score reads
 * as "more or less likely supported than not", and the 1–5 rating is 3 at the line.
 */
export const LEXICAL_THRESHOLD = 0.5;

/** The default groundedness scorer, with the threshold and settings chosen on the dev set. */
export function defaultGroundednessScorer(): LexicalScorer {
  return new LexicalScorer(LEXICAL_THRESHOLD);
}

interface ContextSentence extends TextSpan {
  passage: number;
  keys: Set<string>;
}

/**
 * The default scorer: no model weights, works offline anywhere. Each answer sentence is aligned with the context
 * sentences that cover most of its content words (weighted by how rare each word is in the context, numbers and names
 * weighing more), a number found nowhere in the context or a negation the evidence does not share lowers the score.
 */
export class LexicalScorer implements GroundednessScorer {
  readonly name = 'default';

  constructor(
    readonly defaultThreshold: number,
    private readonly options: LexicalOptions = LEXICAL_DEFAULTS,
  ) {}

  async score(input: GroundednessInput, options: ScoreOptions = {}): Promise<GroundednessResult> {
    return this.scoreNow(input, options.threshold);
  }

  /** The same, synchronously (it does no I/O). */
  scoreNow(input: GroundednessInput, threshold = this.defaultThreshold): GroundednessResult {
    const context = contextSentences(input.context);
    const idf = inverseFrequencies(context);
    const sentences = splitSentences(input.answer).map((sentence) => this.verdict(sentence, context, idf, threshold));
    const score = sentences.length === 0 ? 1 : Math.min(...sentences.map((sentence) => sentence.score));
    return {
      score,
      rating: ratingOf(score),
      supported: score >= threshold,
      threshold,
      scorer: this.name,
      sentences,
    };
  }

  private verdict(
    sentence: TextSpan,
    context: readonly ContextSentence[],
    idf: (key: string) => number,
    threshold: number,
  ): SentenceVerdict {
    const words = unique(contentWords(sentence.text));
    if (words.length === 0) return { ...sentence, score: 1, supported: true, evidence: [] };
    const weights = new Map(words.map((word) => [word.key, this.weight(word, idf)]));
    const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
    const chosen = this.cover(weights, context);
    const coverage = (entries: readonly ContextSentence[]) => {
      const covered = new Set(entries.flatMap((entry) => [...entry.keys].filter((key) => weights.has(key))));
      return [...covered].reduce((sum, key) => sum + weights.get(key)!, 0) / total;
    };
    let score = (1 - this.options.focus) * coverage(chosen) + this.options.focus * coverage(chosen.slice(0, 1));
    if (this.options.missingCost > 0) {
      const covered = new Set(chosen.flatMap((entry) => [...entry.keys]));
      const average = total / weights.size;
      let missing = 0;
      for (const [key, weight] of weights) if (!covered.has(key)) missing += weight / average;
      score *= Math.exp(-this.options.missingCost * missing);
    }
    const everywhere = new Set(context.flatMap((entry) => [...entry.keys]));
    for (const word of words) {
      if (word.kind === 'number' && !everywhere.has(word.key)) score *= this.options.missingNumberFactor;
    }
    if (this.negationDisagrees(sentence.text, weights, chosen)) score *= this.options.negationFactor;
    // Each piece of evidence with the share of the sentence's words it holds.
    const evidence: Evidence[] = chosen.map((entry) => ({
      text: entry.text,
      start: entry.start,
      end: entry.end,
      passage: entry.passage,
      score: coverage([entry]),
    }));
    score = stretch(score, this.options.pivot);
    return { ...sentence, score, supported: score >= threshold, evidence };
  }

  /**
   * Whether the sentence negates a word that evidence about the same thing affirms, or affirms one it negates.
   * Evidence counts when it shares two more words with the sentence than the one in question, so an unrelated one that
   * happens to contain the word (or a "not") decides nothing.
   */
  private negationDisagrees(text: string, weights: ReadonlyMap<string, number>, chosen: readonly ContextSentence[]) {
    const claimNegated = negatedKeys(text);
    for (const entry of chosen) {
      const shared = [...entry.keys].filter((key) => weights.has(key));
      if (shared.length < 3) continue;
      const evidenceNegated = negatedKeys(entry.text);
      for (const key of shared) if (claimNegated.has(key) !== evidenceNegated.has(key)) return true;
    }
    return false;
  }

  private weight(word: Word, idf: (key: string) => number): number {
    const kind = word.kind === 'number' ? this.options.numberWeight : word.capitalized ? this.options.nameWeight : 1;
    return idf(word.key) * kind;
  }

  /** Greedy set cover: the context sentences that add the most uncovered weight, up to `evidenceSentences`. */
  private cover(weights: ReadonlyMap<string, number>, context: readonly ContextSentence[]): ContextSentence[] {
    const chosen: ContextSentence[] = [];
    const covered = new Set<string>();
    for (let round = 0; round < this.options.evidenceSentences; round++) {
      let best: ContextSentence | undefined;
      let bestGain = 0;
      for (const entry of context) {
        let gain = 0;
        for (const key of entry.keys) if (weights.has(key) && !covered.has(key)) gain += weights.get(key)!;
        if (gain > bestGain) {
          bestGain = gain;
          best = entry;
        }
      }
      if (!best) break;
      chosen.push(best);
      for (const key of best.keys) covered.add(key);
    }
    return chosen;
  }
}

function contextSentences(context: GroundednessInput['context']): ContextSentence[] {
  const passages = typeof context === 'string' ? [context] : context;
  return passages.flatMap((passage, index) =>
    splitSentences(passage).map((sentence) => ({
      ...sentence,
      passage: index,
      keys: new Set(contentWords(sentence.text).map((word) => word.key)),
    })),
  );
}

/** log(1 + N / (1 + df)) over the context's sentences: a word in few sentences weighs more; one in none, most. */
function inverseFrequencies(context: readonly ContextSentence[]): (key: string) => number {
  const frequency = new Map<string, number>();
  for (const entry of context) for (const key of entry.keys) frequency.set(key, (frequency.get(key) ?? 0) + 1);
  const count = context.length;
  return (key) => Math.log(1 + count / (1 + (frequency.get(key) ?? 0)));
}

function unique(words: Word[]): Word[] {
  const seen = new Map<string, Word>();
  for (const word of words) {
    const known = seen.get(word.key);
    if (!known || (word.capitalized && !known.capitalized)) seen.set(word.key, word);
  }
  return [...seen.values()];
}

/** The monotone map of [0, 1] onto itself that takes `pivot` to 0.5. */
function stretch(raw: number, pivot: number): number {
  return raw < pivot ? (0.5 * raw) / pivot : 0.5 + (0.5 * (raw - pivot)) / (1 - pivot);
}
