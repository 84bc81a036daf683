import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type ServerProcess, startServer } from './server-process.js';

describe('the server process', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.stop());

  it('answers health with the device and the event-loop lag', async () => {
    const health = await request(server.url, 'GET', '/api/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      device: 'cpu',
      eventLoopDelayMs: { p50: expect.any(Number), p99: expect.any(Number) },
    });
  });

  it('names what is wrong with a request instead of failing', async () => {
    expect((await request(server.url, 'POST', '/api/flows', '{"flow": ')).body).toEqual({
      error: { code: 'invalid-json', message: expect.stringMatching(/^the body is not valid JSON: /) },
    });
    const large = await request(server.url, 'POST', '/api/flows', JSON.stringify({ note: 'x'.repeat(1_100_000) }));
    expect(large.status).toBe(413);
    expect(large.body.error).toEqual({
      code: 'payload-too-large',
      message: 'the body is larger than the limit of 1048576 bytes',
    });
    expect(await request(server.url, 'DELETE', '/api/no-such-thing')).toMatchObject({
      status: 404,
      body: { error: { code: 'not-found', message: 'no route for DELETE /api/no-such-thing' } },
    });
  });
});
