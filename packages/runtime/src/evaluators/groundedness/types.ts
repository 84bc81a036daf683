/** A piece of a text, with where it is: `text === source.slice(start, end)`. */
export interface TextSpan {
  text: string;
  start: number;
  end: number;
}

/** Context given to a scorer: one text, or passages (retrieved chunks, each its own text). */
export type GroundednessContext = string | readonly string[];

export interface GroundednessInput {
  answer: string;
  context: GroundednessContext;
  /** The question the answer replies to; scorers may use it (an LLM judge shows it), the default one does not. */
  question?: string;
}

/** Where a piece of evidence is: its passage (0 for a single text) and its place in that passage. */
export interface Evidence extends TextSpan {
  passage: number;
  /** How strongly it supports the sentence, in [0, 1], when the scorer says. */
  score?: number;
  /** With passages as context (the groundedness node): the passage's id, and its source when it has one. */
  passageId?: string;
  source?: string;
}

/** The verdict on one sentence of the answer. */
export interface SentenceVerdict extends TextSpan {
  /** In [0, 1]: how well the context supports this sentence. */
  score: number;
  supported: boolean;
  /** The context sentences that best support it, best first (empty when nothing does). */
  evidence: Evidence[];
}

export interface GroundednessResult {
  /** In [0, 1]: how well the context supports the answer as a whole. */
  score: number;
  /** The 1–5 scale Prompt Flow users know: 1 + 4 × score, rounded. */
  rating: number;
  /** Whether `score` reaches `threshold`. */
  supported: boolean;
  threshold: number;
  /** Which scorer gave it: `default`, `llm` or `nli`. */
  scorer: string;
  /** Every sentence of the answer (an empty answer has none and scores 1: it claims nothing). */
  sentences: SentenceVerdict[];
}

export interface ScoreOptions {
  /** `supported` is `score >= threshold`; the scorer's own default when left out. */
  threshold?: number;
  signal?: AbortSignal;
}

/** One way of scoring groundedness; every scorer answers in the same shape. */
export interface GroundednessScorer {
  readonly name: string;
  /** The threshold used when none is given (for the default scorer: the one chosen on the dev set). */
  readonly defaultThreshold: number;
  score(input: GroundednessInput, options?: ScoreOptions): Promise<GroundednessResult>;
}

/** The 1–5 rating of a score in [0, 1]. */
export function ratingOf(score: number): number {
  return Math.min(5, Math.max(1, Math.round(1 + 4 * score)));
}
