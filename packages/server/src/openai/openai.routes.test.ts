import type { GenerateRequest, LanguageModel, ModelProvider } from '@groundwork/runtime/models';
import { ScriptedModel, type ScriptedReply } from '@groundwork/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../app.js';
import type { ModelListing } from '../models/model-host.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

/** The app in-process over a scripted model, so streaming, errors and aborts can be staged exactly. */
interface Harness {
  url: string;
  app: App;
  model: ScriptedModel;
  /** Every name the provider was asked for. */
  asked: string[];
}

let running: TestApp | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

function failure(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

async function start(
  script: (request: GenerateRequest) => ScriptedReply | string,
  options: { pieceDelayMs?: number; contextLength?: number; listing?: ModelListing[]; getError?: Error } = {},
): Promise<Harness> {
  const model = new ScriptedModel('tiny', script, { pieceDelayMs: options.pieceDelayMs ?? 0 });
  const asked: string[] = [];
  // The engine's models carry `info.contextLength`; the route reads it to fill in the token budget.
  const withInfo = {
    name: 'tiny',
    generate: model.generate.bind(model),
    info: { contextLength: options.contextLength },
  };
  const served: LanguageModel = options.contextLength === undefined ? model : withInfo;
  const provider: ModelProvider = {
    async get(name) {
      asked.push(String(name));
      if (options.getError) throw options.getError;
      if (name !== 'tiny') throw failure('unknown-model', `no model named "${name}" in /secret/models`);
      return served;
    },
  };
  const listing = options.listing ?? [{ name: 'tiny', path: '/nowhere/tiny', contextLength: 64 }];
  running = await startTestApp({ provider, list: async () => listing });
  return { url: running.url, app: running.app, model, asked };
}

function post(url: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });
}

const hello = { model: 'tiny', messages: [{ role: 'user', content: 'Hello' }] };

/** The `data:` payloads of an event stream, JSON-parsed except `[DONE]`. */
function events(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > 5000) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('GET /v1/models', () => {
  it('lists usable models once each, in OpenAI shape', async () => {
    const { url } = await start(() => '', {
      listing: [
        { name: 'broken', path: '/a/broken', problem: 'no tokenizer.json' },
        { name: 'tiny', path: '/a/tiny' },
        { name: 'tiny', path: '/b/tiny' },
        { name: 'twin', path: '/a/twin', problem: 'no config.json' },
        { name: 'twin', path: '/b/twin' },
      ],
    });
    const response = await fetch(`${url}/v1/models`);
    expect(await response.json()).toEqual({
      object: 'list',
      data: [{ id: 'tiny', object: 'model', created: 0, owned_by: 'groundwork' }],
    });
    expect(await (await fetch(`${url}/v1/models/tiny`)).json()).toMatchObject({ id: 'tiny' });
    const broken = await fetch(`${url}/v1/models/broken`);
    expect(broken.status).toBe(404);
    expect(await broken.json()).toMatchObject({ error: { code: 'model_not_found', param: 'model' } });
  });
});

describe('POST /v1/chat/completions', () => {
  it('answers with a chat.completion and passes the mapped request to the model', async () => {
    const { url, model } = await start(() => 'Hi there');
    const response = await post(url, { ...hello, max_tokens: 5, user: 'ignored', extra_field: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { created: number };
    expect(body).toEqual({
      id: expect.stringMatching(/^chatcmpl-[0-9a-f]{24}$/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'tiny',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hi there' }, logprobs: null, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    });
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(5);
    expect(model.calls[0]!.request).toEqual({
      prompt: [{ role: 'user', content: 'Hello' }],
      temperature: 1,
      maxTokens: 5,
    });
  });

  it("gives the model's context window as the budget when max_tokens is left out", async () => {
    const { url, model } = await start(() => 'ok', { contextLength: 2048 });
    await post(url, hello);
    expect(model.calls[0]!.request.maxTokens).toBe(2048);
  });

  it('streams a role chunk, content chunks, the finish reason, usage when asked, then [DONE]', async () => {
    const { url } = await start(() => ({ text: 'a b c', pieces: ['a', ' b', ' c'] }));
    const response = await post(url, { ...hello, stream: true, stream_options: { include_usage: true } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const stream = events(await response.text()) as Array<Record<string, unknown>>;
    expect(stream.at(-1)).toBe('[DONE]');
    const chunks = stream.slice(0, -1);
    const ids = new Set(chunks.map((chunk) => chunk.id));
    expect(ids.size).toBe(1);
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [{ index: 0, delta: { role: 'assistant' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: { content: 'a' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: { content: ' b' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: { content: ' c' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }],
      [],
    ]);
    expect(chunks.map((chunk) => chunk.usage)).toEqual([
      null,
      null,
      null,
      null,
      null,
      { prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 },
    ]);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.model === 'tiny')).toBe(true);
  });

  it('leaves usage out of a stream that did not ask for it', async () => {
    const { url } = await start(() => 'x');
    const stream = events(await (await post(url, { ...hello, stream: true })).text());
    expect(stream).toHaveLength(4);
    expect(stream.slice(0, -1).every((chunk) => !Object.hasOwn(chunk as object, 'usage'))).toBe(true);
  });

  it('answers a prompt that does not fit with a plain 400, streaming or not', async () => {
    const tooLong = failure('prompt-too-long', 'the prompt is 900 tokens; tiny takes at most 512 in all');
    const { url } = await start(() => ({ text: '', pieces: [], error: tooLong }));
    for (const stream of [false, true]) {
      const response = await post(url, { ...hello, stream });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({
        error: {
          message: 'the prompt is 900 tokens; tiny takes at most 512 in all',
          type: 'invalid_request_error',
          param: 'messages',
          code: 'context_length_exceeded',
        },
      });
    }
  });

  it('ends a stream that fails midway with an error event and no [DONE]', async () => {
    const crashed = failure('engine-crashed', 'the model engine stopped');
    const { url } = await start(() => ({ text: 'a', pieces: ['a'], error: crashed }));
    const response = await post(url, { ...hello, stream: true });
    expect(response.status).toBe(200);
    const stream = events(await response.text());
    expect(stream.at(-1)).toEqual({
      error: { message: expect.any(String), type: 'server_error', param: null, code: null },
    });
    expect(stream).not.toContain('[DONE]');
  });

  it('turns an engine failure into a 500 that says nothing of the server', async () => {
    const { url } = await start(() => ({ text: '', pieces: [], error: failure('engine-crashed', 'worker died') }));
    const response = await post(url, hello);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: {
        message: 'The server failed to handle the request; the failure is in its log',
        type: 'server_error',
        param: null,
        code: null,
      },
    });
  });

  it('stops generating when a streaming client goes away', async () => {
    const pieces = Array.from({ length: 200 }, (_, index) => `w${index} `);
    const { url, model } = await start(() => ({ text: pieces.join(''), pieces }), { pieceDelayMs: 10 });
    const controller = new AbortController();
    const response = await post(url, { ...hello, stream: true }, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await until(() => model.calls[0]?.outcome !== 'pending');
    expect(model.calls[0]!.outcome).toBe('aborted');
    expect(model.calls[0]!.streamed.length).toBeLessThan(100);
  });

  it('stops generating when a client waiting for the whole answer goes away', async () => {
    const pieces = Array.from({ length: 200 }, (_, index) => `w${index} `);
    const { url, model } = await start(() => ({ text: pieces.join(''), pieces }), { pieceDelayMs: 10 });
    const controller = new AbortController();
    const pending = post(url, hello, { signal: controller.signal }).catch((error: Error) => error);
    await until(() => (model.calls[0]?.streamed.length ?? 0) > 2);
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    await until(() => model.calls[0]!.outcome !== 'pending');
    expect(model.calls[0]!.outcome).toBe('aborted');
  });

  it('finds models by folder name only, never by path', async () => {
    const { url, asked } = await start(() => 'x');
    for (const name of ['../tiny', '/etc', 'a/b', '.', '..', '.hidden', 'C:\\models']) {
      const response = await post(url, { ...hello, model: name });
      expect(response.status).toBe(404);
    }
    expect(asked).toEqual([]);
    const unknown = await post(url, { ...hello, model: 'other' });
    expect(unknown.status).toBe(404);
    const body = await unknown.json();
    expect(body).toEqual({
      error: {
        message: 'The model "other" does not exist: models go by their folder name (GET /v1/models lists them)',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
    expect(asked).toEqual(['other']);
  });

  it('says when a model folder cannot be used', async () => {
    const getError = failure('model-no-tokenizer', 'tiny: no tokenizer.json');
    const { url } = await start(() => 'x', { getError });
    const response = await post(url, hello);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        param: 'model',
        code: 'model_not_usable',
        message: 'The model "tiny" cannot be used: tiny: no tokenizer.json',
      },
    });
  });

  it('names the field for invalid requests', async () => {
    const { url } = await start(() => 'x');
    const response = await post(url, { ...hello, n: 2 });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { param: 'n', type: 'invalid_request_error' } });
  });
});

describe('other /v1 paths', () => {
  it('answer unknown paths and methods in OpenAI shape', async () => {
    const { url } = await start(() => 'x');
    const missing = await fetch(`${url}/v1/completions`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        message: 'No route for POST /v1/completions',
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
    const wrongMethod = await fetch(`${url}/v1/chat/completions`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(((await wrongMethod.json()) as { error: { message: string } }).error.message).toBe(
      'GET /v1/chat/completions is not supported; use POST',
    );
  });
});
