import { describe, expect, it } from 'vitest';
import { nodeSeed } from '../../engine/seeds.js';
import type { ModelProvider } from '../../model/backend.js';
import type { FlowNode } from '../../schema/flow.js';
import { ScriptedModel } from '../../testing/scripted-model.js';
import { eventsOfType, node, runTestFlow, testFlow } from '../../testing/test-runs.js';

//   question ──▶ p ──▶ answer ──▶ out
function questionFlow(
  answer: Omit<FlowNode, 'id' | 'type'> = {},
  prompt: Record<string, unknown> = { template: 'Q: {{ question }}\nA:' },
) {
  return testFlow({
    inputs: { question: { type: 'text' } },
    outputs: { answer: { type: 'text' } },
    nodes: [
      node('question', 'input', { name: 'question' }),
      node('p', 'prompt', prompt),
      { id: 'answer', type: 'llm', ...answer },
      node('out', 'output', { name: 'answer' }),
    ],
    edges: [
      ['question.value', 'p.question'],
      ['p.prompt', 'answer.prompt'],
      ['answer.text', 'out.value'],
    ],
  });
}

describe('llm node', () => {
  it('sends the text prompt and the generation parameters of its config to the model', async () => {
    const model = new ScriptedModel('tiny', () => 'Rayleigh scattering.');
    const flow = questionFlow({
      config: {
        model: 'tiny',
        maxTokens: 32,
        temperature: 0.7,
        topK: 40,
        topP: 0.9,
        repetitionPenalty: 1.1,
        seed: 42,
        stop: ['\n\n', 'Q:'],
      },
    });
    const { result } = await runTestFlow(flow, { inputs: { question: 'Why is the sky blue?' }, models: model });
    expect(result.status).toBe('succeeded');
    expect(model.calls.map((call) => call.request)).toEqual([
      {
        prompt: 'Q: Why is the sky blue?\nA:',
        maxTokens: 32,
        temperature: 0.7,
        topK: 40,
        topP: 0.9,
        repetitionPenalty: 1.1,
        seed: 42,
        stop: ['\n\n', 'Q:'],
      },
    ]);
    // The model name picks the model; it is not a generation parameter.
    expect(model.calls[0]!.request).not.toHaveProperty('model');
    expect(result.outputs).toEqual({ answer: 'Rayleigh scattering.' });
  });

  it('uses the default parameters (256 tokens, greedy) and the default model when the config gives none', async () => {
    const model = new ScriptedModel('tiny', () => 'ok');
    const { result } = await runTestFlow(questionFlow(), { inputs: { question: 'Hi?' }, models: model, seed: 7 });
    expect(result.status).toBe('succeeded');
    expect(model.calls.map((call) => call.request)).toEqual([
      { prompt: 'Q: Hi?\nA:', maxTokens: 256, temperature: 0, seed: nodeSeed(7, undefined, 'answer') },
    ]);
  });

  it("samples with the node's seed in the run: the same run seed gives the same seed, another run seed another", async () => {
    const model = new ScriptedModel('tiny', () => 'ok');
    const flow = questionFlow({ config: { temperature: 0.8 } });
    const seeds = [];
    for (const seed of [11, 11, 12]) {
      const { result, events } = await runTestFlow(flow, { inputs: { question: 'Hi?' }, models: model, seed });
      expect(result.seed).toBe(seed);
      expect(eventsOfType(events, 'run-start')[0]!.seed).toBe(seed);
      seeds.push(model.calls.at(-1)!.request.seed);
    }
    expect(seeds[0]).toBe(seeds[1]);
    expect(seeds[2]).not.toBe(seeds[0]);
    // Without one, the run picks a seed and says which.
    const { result } = await runTestFlow(flow, { inputs: { question: 'Hi?' }, models: model });
    expect(model.calls.at(-1)!.request.seed).toBe(nodeSeed(result.seed, undefined, 'answer'));
  });

  it('sends chat messages as messages', async () => {
    const model = new ScriptedModel('tiny', () => 'Blue.');
    const flow = questionFlow(
      {},
      {
        messages: [
          { role: 'system', template: 'Answer in one word.' },
          { role: 'user', template: '{{ question }}' },
        ],
      },
    );
    const { result } = await runTestFlow(flow, { inputs: { question: 'What colour is the sky?' }, models: model });
    expect(result.outputs).toEqual({ answer: 'Blue.' });
    expect(model.calls[0]!.request.prompt).toEqual([
      { role: 'system', content: 'Answer in one word.' },
      { role: 'user', content: 'What colour is the sky?' },
    ]);
  });

  it('streams each piece as a node-token event, in order, before its node-end; the text is the whole reply', async () => {
    const pieces = ['The ', 'sky ', 'scatters ', 'blue ', 'light.'];
    const model = new ScriptedModel('tiny', () => ({ text: pieces.join(''), pieces }), { pieceDelayMs: 2 });
    const { result, events } = await runTestFlow(questionFlow(), {
      inputs: { question: 'Why is the sky blue?' },
      models: model,
    });

    const tokens = eventsOfType(events, 'node-token');
    expect(tokens.map((event) => [event.nodeId, event.text])).toEqual(pieces.map((piece) => ['answer', piece]));
    const start = eventsOfType(events, 'node-start').find((event) => event.nodeId === 'answer')!;
    const end = eventsOfType(events, 'node-end').find((event) => event.nodeId === 'answer')!;
    expect(tokens.every((event) => event.seq > start.seq && event.seq < end.seq)).toBe(true);
    expect(tokens.map((event) => event.seq)).toEqual([...tokens.map((event) => event.seq)].sort((a, b) => a - b));

    expect(end.outputs).toEqual({ text: 'The sky scatters blue light.' });
    // ScriptedModel counts the prompt's words ("Q: Why is the sky blue? A:") and the pieces it streamed.
    expect(end.usage).toEqual({ inputTokens: 7, outputTokens: 5 });
    expect(result.outputs).toEqual({ answer: 'The sky scatters blue light.' });
  });

  describe('variants', () => {
    const small = new ScriptedModel('small', () => 'small answer');
    const large = new ScriptedModel('large', () => 'large answer');
    const models: ModelProvider = { get: (name) => (name === 'large' ? large : small).get(name) };
    const flow = questionFlow({
      config: { model: 'small', maxTokens: 64 },
      variants: [
        { name: 'fast', config: {} },
        { name: 'careful', config: { model: 'large', temperature: 0.9, seed: 7 } },
      ],
    });

    it('runs the default variant with its model and parameters', async () => {
      const before = { small: small.calls.length, large: large.calls.length };
      const { result } = await runTestFlow(flow, { inputs: { question: 'Why?' }, models });
      expect(result).toMatchObject({
        status: 'succeeded',
        outputs: { answer: 'small answer' },
        variants: { answer: 'fast' },
      });
      expect(large.calls.length).toBe(before.large);
      expect(small.calls.slice(before.small).map((call) => call.request)).toEqual([
        { prompt: 'Q: Why?\nA:', maxTokens: 64, temperature: 0, seed: nodeSeed(result.seed, undefined, 'answer') },
      ]);
    });

    it("switches to the picked variant's model and parameters, keeping the node's other settings", async () => {
      const before = { small: small.calls.length, large: large.calls.length };
      const { result, events } = await runTestFlow(flow, {
        inputs: { question: 'Why?' },
        models,
        variants: { answer: 'careful' },
      });
      expect(result).toMatchObject({
        status: 'succeeded',
        outputs: { answer: 'large answer' },
        variants: { answer: 'careful' },
      });
      expect(small.calls.length).toBe(before.small);
      expect(large.calls.slice(before.large).map((call) => call.request)).toEqual([
        { prompt: 'Q: Why?\nA:', maxTokens: 64, temperature: 0.9, seed: 7 },
      ]);
      expect(eventsOfType(events, 'node-start').find((event) => event.nodeId === 'answer')?.variant).toBe('careful');
    });
  });

  it('fails the run with no-model-backend, naming the node, when the run has no models; it is not retried', async () => {
    const flow = questionFlow({ retry: { maxAttempts: 3, backoffMs: 0 } });
    const { result, events } = await runTestFlow(flow, { inputs: { question: 'Why?' } });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'no-model-backend', nodeId: 'answer' });
    expect(result.error?.message).toContain('llm node "answer"');
    const errors = eventsOfType(events, 'node-error');
    expect(errors.map((event) => [event.nodeId, event.error.code, event.willRetry])).toEqual([
      ['answer', 'no-model-backend', false],
    ]);
    expect(result.outputs).toEqual({});
  });

  it('fails the run with unknown-model when the model name is not known', async () => {
    const model = new ScriptedModel('tiny', () => 'never');
    const { result } = await runTestFlow(questionFlow({ config: { model: 'gpt-9' } }), {
      inputs: { question: 'Why?' },
      models: model,
    });
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({
      code: 'unknown-model',
      message: 'no model named "gpt-9" (available: tiny)',
      nodeId: 'answer',
    });
    expect(model.calls).toEqual([]);
  });

  it('fails the node when generation fails, after streaming what came before', async () => {
    const model = new ScriptedModel('tiny', () => ({
      text: 'never',
      pieces: ['Half ', 'an '],
      error: new Error('the GPU fell over'),
    }));
    const { result, events } = await runTestFlow(questionFlow(), { inputs: { question: 'Why?' }, models: model });
    expect(eventsOfType(events, 'node-token').map((event) => event.text)).toEqual(['Half ', 'an ']);
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({ code: 'node-failed', message: 'the GPU fell over', nodeId: 'answer' });
    expect(model.calls[0]!.outcome).toBe('failed');
  });
});
