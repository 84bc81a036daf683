/** `GET /api/models` on a real server: the models folder, then the provider a model runs on once it is used. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type ServerProcess, startServer } from './server-process.js';

let server: ServerProcess;

beforeAll(async () => {
  server = await startServer();
});

afterAll(() => server.stop());

describe('GET /api/models', () => {
  it('lists stories260K, then where it runs once a completion has loaded it', async () => {
    const before = await request(server.url, 'GET', '/api/models');
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      device: 'cpu',
      models: [
        {
          name: 'stories260K',
          layout: 'optimum',
          dtype: 'fp32',
          dtypes: ['fp32'],
          sizeBytes: expect.any(Number),
          contextLength: 512,
          hasChatTemplate: false,
        },
      ],
    });

    const completion = await request(server.url, 'POST', '/v1/chat/completions', {
      model: 'stories260K',
      messages: [{ role: 'user', content: 'Once upon a time' }],
      max_tokens: 2,
    });
    expect(completion.status).toBe(200);

    const after = await request(server.url, 'GET', '/api/models');
    expect(after.body.models[0].loaded).toEqual({
      provider: 'cpu',
      providerReasons: {},
      dtype: 'fp32',
      graphChanges: [],
    });
  });
});
