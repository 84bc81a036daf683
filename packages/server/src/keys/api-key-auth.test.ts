import { ScriptedModel } from '@groundwork/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { bearerToken } from './api-key-auth.js';

describe('bearerToken', () => {
  it('takes the key from a Bearer header, the scheme in any case', () => {
    expect(bearerToken('Bearer gw_abc')).toBe('gw_abc');
    expect(bearerToken('bearer  gw_abc ')).toBe('gw_abc');
    expect(bearerToken('BEARER gw_abc')).toBe('gw_abc');
  });

  it('finds none in other schemes or empty headers', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'gw_abc', 'Bearer a b'])
      expect(bearerToken(header)).toBeUndefined();
  });
});

describe('requireApiKey in the app', () => {
  let test: TestApp;
  let app: App;
  let url: string;

  beforeAll(async () => {
    test = await startTestApp({
      provider: new ScriptedModel('tiny', () => 'ok'),
      list: async () => [{ name: 'tiny', path: '/x' }],
    });
    ({ app, url } = test);
  });

  afterAll(() => test.close());

  const get = (path: string, key?: string) =>
    fetch(`${url}${path}`, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });

  it('guards /v1 and /api/v1 once a key exists, in the shape each API uses', async () => {
    // Open while there is no key: the OpenAI route answers, the published stub gives the app's 404.
    expect((await get('/v1/models')).status).toBe(200);
    expect((await get('/api/v1/flows/x/run')).status).toBe(404);

    const { key } = app.context.keys.create('ci');

    const openai = await get('/v1/models');
    expect(openai.status).toBe(401);
    expect(openai.headers.get('www-authenticate')).toBe('Bearer');
    expect(await openai.json()).toEqual({
      error: {
        message: 'this endpoint needs an API key: Authorization: Bearer <key> (groundwork keys create NAME makes one)',
        type: 'invalid_request_error',
        param: null,
        code: 'missing_api_key',
      },
    });
    const published = await get('/api/v1/flows/x/run');
    expect(published.status).toBe(401);
    expect(await published.json()).toEqual({
      error: {
        code: 'unauthorized',
        message: 'this endpoint needs an API key: Authorization: Bearer <key> (groundwork keys create NAME makes one)',
      },
    });

    const wrong = await get('/v1/models', key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: unknown }).error).toMatchObject({
      code: 'invalid_api_key',
      message: 'the API key is not valid (unknown or revoked): Authorization: Bearer <key>',
    });

    expect((await get('/v1/models', key)).status).toBe(200);
    expect((await get('/api/v1/flows/x/run', key)).status).toBe(404);
    // The editor's own API is not behind keys.
    expect((await get('/api/health')).status).toBe(200);

    app.context.keys.revoke('ci');
    const other = app.context.keys.create('other');
    const revoked = await get('/api/v1/flows/x/run', key);
    expect(revoked.status).toBe(401);
    expect(((await revoked.json()) as { error: unknown }).error).toEqual({
      code: 'unauthorized',
      message: 'the API key is not valid (unknown or revoked): Authorization: Bearer <key>',
    });
    expect((await get('/v1/models', other.key)).status).toBe(200);

    app.context.keys.revoke('other');
    expect((await get('/v1/models')).status).toBe(200);
  });
});
