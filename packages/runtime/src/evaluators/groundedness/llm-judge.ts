import type { ChatMessage } from '../../model/backend.js';
import { LEXICAL_THRESHOLD, LexicalScorer } from './lexical-scorer.js';
import { judgeMessages, parseRating } from './llm-judge-prompt.js';
import {
  type Evidence,
  type GroundednessInput,
  type GroundednessResult,
  type GroundednessScorer,
  ratingOf,
  type ScoreOptions,
  type SentenceVerdict,
} from './types.js';

/** Generates a reply to a prompt: a loaded local model, greedy (the host decides how). */
export type JudgeGenerate = (
  prompt: string | ChatMessage[],
  options: { maxTokens: number; signal?: AbortSignal },
) => Promise<string>;

export interface LlmJudgeOptions {
  /** Tokens the judge may reply with; the rating is read from the start of the reply. Default 16. */
  maxTokens?: number;
  /**
   * The longest context shown whole, in characters (default 6000); a longer one is shown as excerpts around the
   * context sentences that the lexical alignment found for the sentence, so long pages fit a small model's window.
   */
  maxContextChars?: number;
  /** Characters kept on each side of an evidence sentence in an excerpt. Default 300. */
  excerptPadding?: number;
  /** Whether the prompt carries the worked examples (default true). */
  examples?: boolean;
  /** Sentences judged at once (their prompts reach the engine together and batch). Default 8. */
  concurrency?: number;
  /** The default threshold: 0.75, a rating of 4 or 5. */
  threshold?: number;
}

/** A sentence as the judge rated it. */
export interface JudgedSentence extends SentenceVerdict {
  /** The 1–5 rating read from the reply; null when the reply held none (the sentence then scores 0, unsupported). */
  rating: number | null;
  /** What the model replied (trimmed, at most 200 characters), so an unreadable verdict can be looked at. */
  reply: string;
}

export interface LlmJudgeResult extends GroundednessResult {
  sentences: JudgedSentence[];
  /** Sentences whose reply held no rating: they are left out of `score`; when every sentence is, score is 0. */
  unjudged: number;
}

/** A rating of 4 or more ("mostly" or fully supported) passes. */
export const LLM_JUDGE_THRESHOLD = 0.75;

/**
 * The LLM judge: asks a loaded model to rate each answer sentence 1–5 against the context (one prompt per sentence,
 * see llm-judge-prompt.ts; the prompts run concurrently so the engine batches them). A sentence's score is
 * (rating − 1) / 4; the answer's score is its weakest judged sentence, as with the default scorer. Evidence is the
 * lexical scorer's alignment (the judge says how well, not where).
 */
export class LlmJudgeScorer implements GroundednessScorer {
  readonly name = 'llm';
  readonly defaultThreshold: number;
  private readonly aligner = new LexicalScorer(LEXICAL_THRESHOLD);

  constructor(
    private readonly generate: JudgeGenerate,
    private readonly options: LlmJudgeOptions = {},
  ) {
    this.defaultThreshold = options.threshold ?? LLM_JUDGE_THRESHOLD;
  }

  async score(input: GroundednessInput, options: ScoreOptions = {}): Promise<LlmJudgeResult> {
    const threshold = options.threshold ?? this.defaultThreshold;
    const aligned = this.aligner.scoreNow(input).sentences;
    const answer = aligned.length > 1 ? input.answer : undefined;
    const sentences = await mapLimited(aligned, this.options.concurrency ?? 8, async (sentence) => {
      options.signal?.throwIfAborted();
      const prompt = judgeMessages({
        context: this.contextFor(input.context, sentence.evidence),
        statement: sentence.text,
        ...(answer !== undefined ? { answer } : {}),
        ...(input.question !== undefined ? { question: input.question } : {}),
        ...(this.options.examples !== undefined ? { examples: this.options.examples } : {}),
      });
      const reply = await this.generate(prompt, {
        maxTokens: this.options.maxTokens ?? 16,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const rating = parseRating(reply);
      const score = rating === null ? 0 : (rating - 1) / 4;
      const judged: JudgedSentence = {
        text: sentence.text,
        start: sentence.start,
        end: sentence.end,
        score,
        supported: rating !== null && score >= threshold,
        evidence: sentence.evidence,
        rating,
        reply: reply.trim().slice(0, 200),
      };
      return judged;
    });
    const judged = sentences.filter((sentence) => sentence.rating !== null);
    const unjudged = sentences.length - judged.length;
    const score =
      sentences.length === 0 ? 1 : judged.length === 0 ? 0 : Math.min(...judged.map((sentence) => sentence.score));
    return {
      score,
      rating: ratingOf(score),
      supported: score >= threshold,
      threshold,
      scorer: this.name,
      sentences,
      unjudged,
    };
  }

  /** The whole context when it is short enough; else excerpts around the sentence's evidence, in context order. */
  private contextFor(context: GroundednessInput['context'], evidence: readonly Evidence[]): string {
    const passages = typeof context === 'string' ? [context] : [...context];
    const whole = passages.join('\n\n');
    const limit = this.options.maxContextChars ?? 6000;
    if (whole.length <= limit) return whole;
    const padding = this.options.excerptPadding ?? 300;
    const windows = evidence
      .map((piece) => ({
        passage: piece.passage,
        start: Math.max(0, piece.start - padding),
        end: Math.min(passages[piece.passage]!.length, piece.end + padding),
      }))
      .sort((a, b) => a.passage - b.passage || a.start - b.start);
    const merged: typeof windows = [];
    for (const window of windows) {
      const last = merged.at(-1);
      if (last && last.passage === window.passage && window.start <= last.end)
        last.end = Math.max(last.end, window.end);
      else merged.push({ ...window });
    }
    if (merged.length === 0) return `${whole.slice(0, limit)} …`;
    const excerpts = merged.map((window) => passages[window.passage]!.slice(window.start, window.end).trim());
    return `… ${excerpts.join(' … ')} …`.slice(0, limit);
  }
}

/** `work` over every item with at most `limit` in flight, results in item order. */
async function mapLimited<Item, Result>(
  items: readonly Item[],
  limit: number,
  work: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results: Result[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
