import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../model/backend.js';
import { OnnxEngine } from '../../model/onnx/onnx-engine.js';
import { STORIES_260K } from '../../testing/model-fixtures.js';
import { type JudgeGenerate, LLM_JUDGE_THRESHOLD, LlmJudgeScorer } from './llm-judge.js';
import { judgeMessages, parseRating } from './llm-judge-prompt.js';

const context = [
  'The Eiffel Tower is a wrought-iron lattice tower in Paris, France.',
  'It was designed by the engineering company of Gustave Eiffel and completed in 1889.',
  'The tower is 330 metres tall.',
].join(' ');

/** A judge double that answers from a script keyed by the statement it is asked about, and records the prompts. */
function scripted(replies: (statement: string) => string) {
  const prompts: ChatMessage[][] = [];
  const generate: JudgeGenerate = async (prompt) => {
    const messages = prompt as ChatMessage[];
    prompts.push(messages);
    const statement = /STATEMENT: (.*)\nRATING:$/.exec(messages.at(-1)!.content)![1]!;
    return replies(statement);
  };
  return { generate, prompts };
}

describe('parseRating', () => {
  it('reads the first stand-alone rating 1–5, or a rating field of a JSON reply', () => {
    expect(parseRating('5')).toBe(5);
    expect(parseRating(' Rating: 4.\nBecause the context says so.')).toBe(4);
    expect(parseRating('4/5')).toBe(4);
    expect(parseRating('{"rating": 2, "reason": "half of it"}')).toBe(2);
    expect(parseRating('Sure! {"Score": "3"}')).toBe(3);
    expect(parseRating('In 2023 the answer was 10 out of 10, so 3')).toBe(3);
    expect(parseRating('0.8')).toBeNull();
    expect(parseRating('Once upon a time there was a little girl')).toBeNull();
    expect(parseRating('{"rating": 7}')).toBeNull();
  });
});

describe('judgeMessages', () => {
  it('asks about the statement against the context, with the question and whole answer when given', () => {
    const messages = judgeMessages({ context: 'C.', statement: 'S one.', answer: 'S one. S two.', question: 'Q?' });
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    const user = messages[1]!.content;
    expect(user).toContain('## Example 1');
    expect(user).toMatch(/## Task\nCONTEXT: C\.\nQUESTION: Q\?\nANSWER: S one\. S two\.\nSTATEMENT: S one\.\nRATING:$/);
    expect(judgeMessages({ context: 'C.', statement: 'S.', examples: false })[1]!.content).not.toContain('Example');
  });
});

describe('the LLM judge scorer', () => {
  it('rates each sentence, scores the answer by its weakest sentence and gives lexical evidence', async () => {
    const { generate, prompts } = scripted((statement) => (statement.includes('1925') ? 'RATING: 1' : '5'));
    const judge = new LlmJudgeScorer(generate);
    const answer = 'The tower was designed by the company of Gustave Eiffel. It was completed in 1925.';
    const result = await judge.score({ answer, context, question: 'Who built it?' });
    expect(prompts).toHaveLength(2);
    expect(prompts[0]![1]!.content).toContain(`ANSWER: ${answer}`);
    expect(prompts[0]![1]!.content).toContain('QUESTION: Who built it?');
    expect(result).toMatchObject({ scorer: 'llm', score: 0, rating: 1, supported: false, unjudged: 0 });
    expect(result.threshold).toBe(LLM_JUDGE_THRESHOLD);
    const [first, second] = result.sentences;
    expect(first).toMatchObject({ rating: 5, score: 1, supported: true, reply: '5' });
    expect(answer.slice(first!.start, first!.end)).toBe(first!.text);
    expect(first!.evidence[0]!.text).toBe(
      'It was designed by the engineering company of Gustave Eiffel and completed in 1889.',
    );
    expect(second).toMatchObject({ rating: 1, score: 0, supported: false, text: 'It was completed in 1925.' });
  });

  it('marks a sentence whose reply holds no rating as unjudged and scores the answer on the others', async () => {
    const { generate } = scripted((statement) => (statement.startsWith('The tower is') ? 'I think so' : '4'));
    const result = await new LlmJudgeScorer(generate).score({
      answer: 'The tower is 330 metres tall. It is in Paris.',
      context,
    });
    expect(result.unjudged).toBe(1);
    expect(result.sentences[0]).toMatchObject({ rating: null, score: 0, supported: false, reply: 'I think so' });
    expect(result).toMatchObject({ score: 0.75, rating: 4, supported: true });
    const none = await new LlmJudgeScorer(async () => 'no idea').score({ answer: 'It is tall.', context });
    expect(none).toMatchObject({ score: 0, supported: false, unjudged: 1 });
  });

  it('honours a threshold, scores an empty answer 1 without asking, and shows a long context as excerpts', async () => {
    const { generate, prompts } = scripted(() => '3');
    const judge = new LlmJudgeScorer(generate, { maxContextChars: 400, excerptPadding: 20 });
    expect(await judge.score({ answer: '', context })).toMatchObject({ score: 1, supported: true, sentences: [] });
    expect(prompts).toHaveLength(0);
    const filler = 'Unrelated words fill this page about gardening and weather. '.repeat(20);
    const long = [filler, `${filler}The tower is 330 metres tall. ${filler}`];
    const result = await judge.score({ answer: 'The tower is 330 metres tall.', context: long }, { threshold: 0.5 });
    expect(result).toMatchObject({ score: 0.5, supported: true, threshold: 0.5 });
    const shown = /## Task\nCONTEXT: (.*)\nSTATEMENT/s.exec(prompts[0]![1]!.content)![1]!;
    expect(shown).toContain('The tower is 330 metres tall.');
    expect(shown.length).toBeLessThanOrEqual(400);
    expect(result.sentences[0]!.evidence[0]).toMatchObject({ passage: 1, text: 'The tower is 330 metres tall.' });
  });

  it('stops when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const judge = new LlmJudgeScorer(async () => '5');
    await expect(judge.score({ answer: 'It is tall.', context }, { signal: controller.signal })).rejects.toThrow(
      'cancelled',
    );
  });
});

describe('the LLM judge on stories260K (a tiny base model: its ratings mean nothing, the pipeline must run)', () => {
  let engine: OnnxEngine;
  beforeAll(() => {
    engine = new OnnxEngine({ defaultModel: STORIES_260K, device: 'cpu', searchPaths: [] });
  });
  afterAll(() => engine.close());

  it('generates a reply per sentence and answers in the result shape', async () => {
    const model = await engine.get(undefined);
    const replies: string[] = [];
    const judge = new LlmJudgeScorer(
      async (prompt, { maxTokens, signal }) => {
        const result = await model.generate({ prompt, maxTokens }, signal ? { signal } : {});
        replies.push(result.text);
        return result.text;
      },
      { examples: false, maxContextChars: 200 },
    );
    const result = await judge.score({ answer: 'Lily had a red ball. She was happy.', context: 'Lily had a ball.' });
    expect(replies).toHaveLength(2);
    expect(result.scorer).toBe('llm');
    expect(result.sentences.map((sentence) => sentence.text)).toEqual(['Lily had a red ball.', 'She was happy.']);
    for (const sentence of result.sentences) {
      expect(sentence.rating === null || (sentence.rating >= 1 && sentence.rating <= 5)).toBe(true);
      expect(sentence.reply).toBe(replies[result.sentences.indexOf(sentence)]!.trim().slice(0, 200));
    }
    expect(result.score).toBeGreaterThanOrEqual(0);
    expect(result.score).toBeLessThanOrEqual(1);
    expect(result.unjudged).toBe(result.sentences.filter((sentence) => sentence.rating === null).length);
  });
});
