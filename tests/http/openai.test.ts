/**
 * The official `openai` client against a real `groundwork serve` with stories260K: what "existing clients work"
 * means. stories260K has no chat template, so the single user message is the plain-text prompt, and greedy
 * decoding must give the golden continuation recorded from the reference implementation.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI, { AuthenticationError, BadRequestError, NotFoundError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, type ServerProcess, STORIES_260K, startServer } from './server-process.js';

const GOLDEN = (
  JSON.parse(readFileSync(join(STORIES_260K, 'golden.json'), 'utf8')) as Array<{
    prompt: string;
    greedy_ids: number[];
    greedy_text_pieces_joined: string;
  }>
)[0]!;

type ServiceModule = typeof import('../../packages/server/dist/keys/keys.service.js');
type ConnectionModule = typeof import('../../packages/server/dist/db/connection.js');

let server: ServerProcess;
let client: OpenAI;

beforeAll(async () => {
  server = await startServer();
  // Retries would turn one refused request into three and hide the status the server gave.
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-needed-yet', maxRetries: 0 });
});

afterAll(() => server.stop());

const onceUponATime = {
  model: 'stories260K',
  messages: [{ role: 'user' as const, content: GOLDEN.prompt }],
  temperature: 0,
  max_tokens: 48,
};

describe('the openai client', () => {
  it('lists the models', async () => {
    const page = await client.models.list();
    expect(page.data).toEqual([
      { id: 'stories260K', object: 'model', created: expect.any(Number), owned_by: 'groundwork' },
    ]);
    expect(await client.models.retrieve('stories260K')).toMatchObject({ id: 'stories260K' });
  });

  it('gets the golden greedy continuation', async () => {
    expect(GOLDEN.prompt).toBe('Once upon a time');
    const completion = await client.chat.completions.create(onceUponATime);
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('stories260K');
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]!.message).toEqual({ role: 'assistant', content: GOLDEN.greedy_text_pieces_joined });
    expect(completion.choices[0]!.finish_reason).toBe('length');
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 48, total_tokens: 53 });
  });

  it('streams the same text, with usage at the end when asked', async () => {
    const stream = await client.chat.completions.create({
      ...onceUponATime,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let role: string | undefined;
    const finishes: Array<string | null> = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      const choice = chunk.choices[0];
      if (choice) {
        role ??= choice.delta.role;
        text += choice.delta.content ?? '';
        finishes.push(choice.finish_reason);
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(role).toBe('assistant');
    expect(text).toBe(GOLDEN.greedy_text_pieces_joined);
    // Streamed token by token, not in one piece at the end.
    expect(chunks).toBeGreaterThan(20);
    expect(finishes.filter((reason) => reason !== null)).toEqual(['length']);
    expect(usage).toEqual({ prompt_tokens: 5, completion_tokens: 48, total_tokens: 53 });
  });

  it('stops before a stop string, streamed or not, without letting any of it out', async () => {
    const request = { ...onceUponATime, stop: [' Lily', 'never appears'] };
    const completion = await client.chat.completions.create(request);
    expect(completion.choices[0]!.message.content).toBe(', there was a little girl named');
    expect(completion.choices[0]!.finish_reason).toBe('stop');

    const stream = await client.chat.completions.create({ ...request, stop: ' Lily', stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(', there was a little girl named');
  });

  it('repeats a sampled completion with the same seed', async () => {
    const sampled = (seed: number) =>
      client.chat.completions
        .create({ ...onceUponATime, temperature: 1, seed })
        .then((completion) => completion.choices[0]!.message.content);
    const first = await sampled(7);
    expect(await sampled(7)).toBe(first);
    // Sampling at temperature 1 leaves the greedy path, and other seeds take other paths.
    const others = await Promise.all([8, 9, 10].map(sampled));
    expect([first, ...others]).not.toContain(GOLDEN.greedy_text_pieces_joined);
    expect(new Set([first, ...others]).size).toBeGreaterThan(1);
  });

  it('gets a 400 naming n when asking for several choices', async () => {
    const error = await client.chat.completions.create({ ...onceUponATime, n: 2 }).catch((caught) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ status: 400, param: 'n', type: 'invalid_request_error' });
  });

  it('answers a body that is not JSON, or too large, in the OpenAI error shape', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const broken = await post('{"model": ');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'invalid_json', message: expect.any(String) },
    });
    const large = await post(
      JSON.stringify({ model: 'stories260K', messages: [{ role: 'user', content: 'x'.repeat(1_100_000) }] }),
    );
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: expect.stringContaining('1048576') },
    });
  });

  it('gets a 404 model_not_found for an unknown model', async () => {
    const error = await client.chat.completions.create({ ...onceUponATime, model: 'gpt-4o' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
  });

  it('gets context_length_exceeded for a prompt longer than the context window', async () => {
    const long = `${'Once upon a time '.repeat(200)}`;
    for (const stream of [false, true] as const) {
      const error = await client.chat.completions
        .create({ ...onceUponATime, messages: [{ role: 'user', content: long }], stream })
        .catch((caught) => caught);
      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
    }
  });

  it('raises AuthenticationError once keys exist, and works with a good key', async () => {
    const connection = (await import(join(ROOT, 'packages/server/src/db/connection.ts'))) as ConnectionModule;
    const keys = (await import(join(ROOT, 'packages/server/src/keys/keys.service.ts'))) as ServiceModule;
    const db = connection.openDatabase(server.db);
    let key: string;
    try {
      key = new keys.KeyService(db).create('openai-client').key;
    } finally {
      db.close();
    }
    const error = await client.models.list().catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key' });

    const keyed = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: key, maxRetries: 0 });
    const completion = await keyed.chat.completions.create(onceUponATime);
    expect(completion.choices[0]!.message.content).toBe(GOLDEN.greedy_text_pieces_joined);
  });
});
