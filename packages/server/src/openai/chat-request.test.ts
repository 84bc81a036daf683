import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPERATURE, parseChatRequest } from './chat-request.js';
import { OpenAIError } from './openai-errors.js';

const user = (content: unknown) => ({ role: 'user', content });
const base = { model: 'tiny', messages: [user('Hi')] };

function refusal(body: unknown): OpenAIError {
  try {
    parseChatRequest(body);
  } catch (error) {
    if (error instanceof OpenAIError) return error;
    throw error;
  }
  throw new Error('the request was accepted');
}

describe('parseChatRequest', () => {
  it("samples at OpenAI's default temperature when none is given, and leaves the token budget open", () => {
    expect(DEFAULT_TEMPERATURE).toBe(1);
    expect(parseChatRequest(base)).toEqual({
      model: 'tiny',
      request: { prompt: [{ role: 'user', content: 'Hi' }], temperature: 1 },
      stream: false,
      includeUsage: false,
    });
  });

  it('maps the sampling parameters and stop strings', () => {
    const plan = parseChatRequest({
      ...base,
      temperature: 0.7,
      top_p: 0.9,
      top_k: 40,
      repetition_penalty: 1.1,
      seed: 42,
      stop: 'END',
      max_tokens: 12,
    });
    expect(plan.request).toEqual({
      prompt: [{ role: 'user', content: 'Hi' }],
      temperature: 0.7,
      topP: 0.9,
      topK: 40,
      repetitionPenalty: 1.1,
      seed: 42,
      stop: ['END'],
      maxTokens: 12,
    });
    expect(parseChatRequest({ ...base, stop: ['a', 'b'] }).request.stop).toEqual(['a', 'b']);
    expect(parseChatRequest({ ...base, stop: [] }).request.stop).toBeUndefined();
  });

  it('prefers max_completion_tokens over the deprecated max_tokens', () => {
    expect(parseChatRequest({ ...base, max_tokens: 5, max_completion_tokens: 9 }).request.maxTokens).toBe(9);
    expect(parseChatRequest({ ...base, max_completion_tokens: 3 }).request.maxTokens).toBe(3);
  });

  it('decodes greedily for top_p 0, which keeps only the likeliest token', () => {
    expect(parseChatRequest({ ...base, top_p: 0, temperature: 1 }).request).toMatchObject({ temperature: 0 });
    expect(parseChatRequest({ ...base, top_p: 0 }).request.topP).toBeUndefined();
  });

  it('treats null as left out, as OpenAI does', () => {
    const plan = parseChatRequest({ ...base, temperature: null, max_tokens: null, stop: null, seed: null, n: null });
    expect(plan.request).toEqual({ prompt: [{ role: 'user', content: 'Hi' }], temperature: 1 });
  });

  it('turns developer into system and joins text parts', () => {
    const plan = parseChatRequest({
      model: 'tiny',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        user([
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ]),
        { role: 'assistant', content: null },
        { role: 'tool', content: 'result', tool_call_id: 'x' },
      ],
    });
    expect(plan.request.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'one\ntwo' },
      { role: 'assistant', content: '' },
      { role: 'tool', content: 'result' },
    ]);
  });

  it('streams with usage only when asked', () => {
    expect(parseChatRequest({ ...base, stream: true })).toMatchObject({ stream: true, includeUsage: false });
    const usage = { stream: true, stream_options: { include_usage: true } };
    expect(parseChatRequest({ ...base, ...usage })).toMatchObject({ stream: true, includeUsage: true });
    expect(parseChatRequest({ ...base, stream_options: { include_usage: true } }).includeUsage).toBe(false);
  });

  it('ignores fields it does not know, and the ones that change nothing', () => {
    const plan = parseChatRequest({
      ...base,
      user: 'someone',
      store: false,
      metadata: { a: 'b' },
      service_tier: 'auto',
      some_future_field: { x: 1 },
      n: 1,
      logprobs: false,
      tools: [],
      tool_choice: 'none',
      response_format: { type: 'text' },
      presence_penalty: 0,
      frequency_penalty: 0,
      logit_bias: {},
      modalities: ['text'],
    });
    expect(plan.request).toEqual({ prompt: [{ role: 'user', content: 'Hi' }], temperature: 1 });
  });

  it.each([
    [{ n: 2 }, 'n'],
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ tools: [{ type: 'function', function: { name: 'f' } }] }, 'tools'],
    [{ tool_choice: 'required' }, 'tool_choice'],
    [{ functions: [{ name: 'f' }] }, 'functions'],
    [{ function_call: { name: 'f' } }, 'function_call'],
    [{ response_format: { type: 'json_object' } }, 'response_format'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ presence_penalty: 0.5 }, 'presence_penalty'],
    [{ frequency_penalty: -1 }, 'frequency_penalty'],
    [{ modalities: ['text', 'audio'] }, 'modalities'],
    [{ audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
    [{ prediction: { type: 'content', content: 'x' } }, 'prediction'],
    [{ web_search_options: {} }, 'web_search_options'],
    [{ messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'messages[0].role'],
    [{ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c' }] }] }, 'messages[0].tool_calls'],
    [
      {
        messages: [
          user([
            { type: 'text', text: 'a' },
            { type: 'image_url', image_url: {} },
          ]),
        ],
      },
      'messages[0].content[1]',
    ],
  ])('refuses %j, naming %s', (extra, param) => {
    const error = refusal({ ...base, ...extra });
    expect(error).toMatchObject({ status: 400, type: 'invalid_request_error', param, code: 'unsupported_parameter' });
    expect(error.message.startsWith(`${param}: `)).toBe(true);
  });

  it.each([
    [{ model: '' }, 'model'],
    [{ messages: [] }, 'messages'],
    [{ messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role'],
    [{ messages: [user(42)] }, 'messages[0].content'],
    [{ temperature: 3 }, 'temperature'],
    [{ top_p: 1.5 }, 'top_p'],
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ max_completion_tokens: 2.5 }, 'max_completion_tokens'],
    [{ seed: 1.5 }, 'seed'],
    [{ stop: [1] }, 'stop'],
    [{ stream: 'yes' }, 'stream'],
  ])('refuses the invalid %j, naming %s', (extra, param) => {
    expect(refusal({ ...base, ...extra })).toMatchObject({ status: 400, param });
  });

  it('names every problem in the message and the first as param', () => {
    const error = refusal({ messages: [{ role: 'user' }], temperature: -1 });
    expect(error.param).toBe('model');
    expect(error.message).toBe('model: is required; temperature: Too small: expected number to be >=0');
  });

  it('asks for a JSON object when the body is not one', () => {
    for (const body of [undefined, null, [], 'text'])
      expect(refusal(body).message).toBe('The body must be a JSON object, sent with Content-Type: application/json');
  });
});
