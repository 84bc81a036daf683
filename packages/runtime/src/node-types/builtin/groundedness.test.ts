import { describe, expect, it } from 'vitest';
import { LlmJudgeScorer } from '../../evaluators/groundedness/llm-judge.js';
import type { ScorerRequest } from '../../evaluators/groundedness/scorer-request.js';
import type { GroundednessResult } from '../../evaluators/groundedness/types.js';
import type { FlowNode } from '../../schema/flow.js';
import { node, problemsOf, runTestFlow, testFlow } from '../../testing/test-runs.js';

const context = [
  'The Eiffel Tower is a wrought-iron lattice tower in Paris, France.',
  'It was designed by the engineering company of Gustave Eiffel and completed in 1889.',
].join(' ');

//   answer ──▶ g.answer ─┬─▶ score
//   context ─▶ g.context ├─▶ supported
//                        └─▶ result
function groundednessFlow(config: Record<string, unknown> = {}, contextType: 'text' | 'passages' = 'text') {
  const g: FlowNode = { id: 'g', type: 'groundedness', config };
  return testFlow({
    inputs: { answer: { type: 'text' }, context: { type: contextType }, question: { type: 'text', default: '' } },
    outputs: { score: { type: 'number' }, supported: { type: 'boolean' }, result: { type: 'json' } },
    nodes: [
      node('answer', 'input', { name: 'answer' }),
      node('context', 'input', { name: 'context' }),
      node('question', 'input', { name: 'question' }),
      g,
      node('score', 'output', { name: 'score' }),
      node('supported', 'output', { name: 'supported' }),
      node('result', 'output', { name: 'result' }),
    ],
    edges: [
      ['answer.value', 'g.answer'],
      ['context.value', 'g.context'],
      ['question.value', 'g.question'],
      ['g.score', 'score.value'],
      ['g.supported', 'supported.value'],
      ['g.result', 'result.value'],
    ],
  });
}

describe('groundedness node', () => {
  it('scores an answer against a text context with the default scorer, sentence by sentence', async () => {
    const { result } = await runTestFlow(groundednessFlow(), {
      inputs: { answer: 'The tower is in Paris. It was completed in 1925.', context },
    });
    expect(result.status).toBe('succeeded');
    const verdict = result.outputs.result as GroundednessResult;
    expect(verdict.scorer).toBe('default');
    expect(verdict.sentences.map((sentence) => sentence.supported)).toEqual([true, false]);
    expect(result.outputs).toMatchObject({ score: verdict.score, supported: false });
    expect(verdict.sentences[0]!.evidence[0]!.text).toBe(
      'The Eiffel Tower is a wrought-iron lattice tower in Paris, France.',
    );
    expect(verdict.sentences[0]!.evidence[0]).not.toHaveProperty('passageId');
  });

  it('takes passages as context, with evidence pointing into the passage, and a threshold from its config', async () => {
    const passages = [
      { id: 'a', text: 'Bananas are yellow.' },
      { id: 'b', text: context },
    ];
    const { result } = await runTestFlow(groundednessFlow({ threshold: 0.2 }, 'passages'), {
      inputs: { answer: 'The Eiffel Tower was completed in 1889.', context: passages },
    });
    const verdict = result.outputs.result as GroundednessResult;
    expect(verdict.threshold).toBe(0.2);
    expect(verdict.supported).toBe(true);
    const [evidence] = verdict.sentences[0]!.evidence;
    expect(evidence!.passage).toBe(1);
    expect(passages[1]!.text.slice(evidence!.start, evidence!.end)).toBe(evidence!.text);
    // The evidence names its passage by id; these passages have no source, so none is made up.
    expect(evidence!.passageId).toBe('b');
    expect(evidence).not.toHaveProperty('source');
  });

  it('asks the host for llm and nli scorers, with the model and the question', async () => {
    const requests: ScorerRequest[] = [];
    const prompts: string[] = [];
    const scorers = async (request: ScorerRequest) => {
      requests.push(request);
      return new LlmJudgeScorer(async (prompt) => {
        prompts.push(JSON.stringify(prompt));
        return '4';
      });
    };
    const { result } = await runTestFlow(groundednessFlow({ scorer: 'llm', model: 'judge' }), {
      inputs: { answer: 'The tower is in Paris.', context, question: 'Where is it?' },
      scorers,
    });
    expect(result.status).toBe('succeeded');
    expect(requests).toEqual([{ scorer: 'llm', model: 'judge' }]);
    expect(prompts[0]).toContain('QUESTION: Where is it?');
    expect(result.outputs).toMatchObject({ score: 0.75, supported: true });
    expect((result.outputs.result as GroundednessResult).scorer).toBe('llm');
  });

  it('fails clearly when the host has no such scorer, or refuses the model', async () => {
    const flow = groundednessFlow({ scorer: 'nli', model: 'hhem' });
    const inputs = { answer: 'It is tall.', context };
    const bare = await runTestFlow(flow, { inputs });
    expect(bare.result.status).toBe('failed');
    expect(bare.result.error).toMatchObject({ code: 'no-scorer' });
    expect(bare.result.error!.message).toMatch(/the nli scorer is not available here/);
    const refused = await runTestFlow(flow, {
      inputs,
      scorers: async () => {
        throw new Error('model "hhem" was not found');
      },
    });
    expect(refused.result.error).toMatchObject({ code: 'invalid-scorer' });
    expect(refused.result.error!.message).toBe('groundedness node "g": model "hhem" was not found');
  });

  it('refuses an llm or nli scorer without a model, and an unknown scorer, when the flow is checked', () => {
    expect(problemsOf(groundednessFlow({ scorer: 'llm' }))).toEqual([
      expect.objectContaining({ code: 'invalid-config', message: expect.stringMatching(/llm scorer needs a model/) }),
    ]);
    expect(problemsOf(groundednessFlow({ scorer: 'bleu' }))[0]).toMatchObject({ code: 'invalid-config' });
  });
});
