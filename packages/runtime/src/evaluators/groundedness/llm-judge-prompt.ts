import type { ChatMessage } from '../../model/backend.js';

/**
 * The LLM judge's prompt, modelled on Prompt Flow's groundedness prompt: the same 1–5 entailment rating (5 follows
 * from the context, 1 is false given it, in between when the context supports part of it or does not say enough),
 * the same "judge only against the context" instruction and short worked examples, asked one answer sentence at a
 * time so that a small local model has one thing to rate and one digit to give.
 */

export interface JudgePromptInput {
  /** The context the sentence is judged against (the whole context, or excerpts of a long one). */
  context: string;
  /** The sentence to rate. */
  statement: string;
  /** The whole answer, shown when it has several sentences so that "it" or "they" can be resolved. */
  answer?: string;
  question?: string;
  /** Whether to include the worked examples (about 120 words); tiny models with short contexts may leave them out. */
  examples?: boolean;
}

const SYSTEM =
  'You are an AI assistant that checks whether statements are supported by a given context. ' +
  'You reply with a single integer from 1 to 5 and nothing else.';

const INSTRUCTIONS = [
  'You will be given a CONTEXT and a STATEMENT from an answer about that CONTEXT. Decide whether the STATEMENT is',
  'entailed by the CONTEXT and rate it:',
  '5: the STATEMENT follows logically from the information in the CONTEXT.',
  '1: the STATEMENT is false given the CONTEXT.',
  '2 to 4: the CONTEXT supports part of the STATEMENT, or does not say enough to tell; the more it supports, the higher.',
  'Judge only against the CONTEXT, not against what you know. The STATEMENT was written by a computer and may contain',
  'odd symbols; do not count those against it.',
].join(' ');

const EXAMPLES: { context: string; statement: string; rating: number }[] = [
  {
    context: 'Some are reported as not having been wanted at all.',
    statement: 'All are reported as being completely and fully wanted.',
    rating: 1,
  },
  {
    context:
      'Ten new television shows appeared during September. Five were sitcoms, three were hour-long dramas and two ' +
      'were news-magazine shows. By January only seven were still on the air; five of those were sitcoms.',
    statement: 'At least one of the shows that were cancelled was an hour-long drama.',
    rating: 5,
  },
  {
    context: 'The bridge opened in 1932 and carries six lanes of traffic.',
    statement: 'The bridge opened in 1932 and was designed by a Swiss engineer.',
    rating: 3,
  },
];

/** The messages to send (a model without a chat template gets them joined as plain text). */
export function judgeMessages(input: JudgePromptInput): ChatMessage[] {
  const parts = [INSTRUCTIONS];
  if (input.examples ?? true) {
    EXAMPLES.forEach((example, index) => {
      parts.push(
        `## Example ${index + 1}\nCONTEXT: ${example.context}\nSTATEMENT: ${example.statement}\nRATING: ${example.rating}`,
      );
    });
  }
  const task = [`## Task\nCONTEXT: ${input.context}`];
  if (input.question?.trim()) task.push(`QUESTION: ${input.question.trim()}`);
  if (input.answer !== undefined && input.answer.trim() !== input.statement.trim()) {
    task.push(`ANSWER: ${input.answer.trim()}`);
  }
  task.push(`STATEMENT: ${input.statement}`, 'RATING:');
  parts.push(task.join('\n'));
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/** Keys a JSON reply may hold its rating under. */
const JSON_KEYS = ['rating', 'score', 'groundedness', 'verdict'];

/**
 * The 1–5 rating in a reply, or null when it holds none: a JSON object with a rating / score field (anywhere in the
 * reply), else the first integer 1–5 that stands alone (so "10", "0.8" or "2023" are not read as ratings, and
 * "4/5" or "Rating: 4." are).
 */
export function parseRating(reply: string): number | null {
  for (const match of reply.matchAll(/\{[^{}]*\}/g)) {
    try {
      const value = JSON.parse(match[0]) as Record<string, unknown>;
      for (const key of Object.keys(value)) {
        if (!JSON_KEYS.includes(key.toLowerCase())) continue;
        const rating = Number(value[key]);
        if (Number.isInteger(rating) && rating >= 1 && rating <= 5) return rating;
      }
    } catch {
      // Not JSON: read it as text below.
    }
  }
  const digit = /(?<![\p{L}\d.,])([1-5])(?!\d|[.,]\d)/u.exec(reply);
  return digit ? Number(digit[1]) : null;
}
