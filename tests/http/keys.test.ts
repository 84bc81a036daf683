/**
 * API keys against a real `groundwork serve`: keys are made in the server's database from this process, as
 * `groundwork keys create` does, and take effect on the server's next request.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, request, type ServerProcess, startServer } from './server-process.js';

type ServiceModule = typeof import('../../packages/server/dist/keys/keys.service.js');
type ConnectionModule = typeof import('../../packages/server/dist/db/connection.js');

let server: ServerProcess;
let keys: ServiceModule;
let connection: ConnectionModule;

beforeAll(async () => {
  connection = (await import(join(ROOT, 'packages/server/src/db/connection.ts'))) as ConnectionModule;
  keys = (await import(join(ROOT, 'packages/server/src/keys/keys.service.ts'))) as ServiceModule;
  server = await startServer();
});

afterAll(() => server.stop());

/** Runs `use` on a KeyService over the server's database file, closing it afterwards. */
function withKeys<T>(use: (service: InstanceType<ServiceModule['KeyService']>) => T): T {
  const db = connection.openDatabase(server.db);
  try {
    return use(new keys.KeyService(db));
  } finally {
    db.close();
  }
}

const chat = {
  model: 'stories260K',
  messages: [{ role: 'user', content: 'Once upon a time' }],
  max_tokens: 4,
  // Greedy: OpenAI's default temperature (1) samples, and the test reads the text.
  temperature: 0,
};
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const completion = (headers: Record<string, string> = {}) =>
  request(server.url, 'POST', '/v1/chat/completions', chat, headers);
const published = (headers: Record<string, string> = {}) =>
  request(server.url, 'POST', '/api/v1/flows/no-such-flow/run', { inputs: {} }, headers);

const MISSING = 'this endpoint needs an API key: Authorization: Bearer <key> (groundwork keys create NAME makes one)';
const REJECTED = 'the API key is not valid (unknown or revoked): Authorization: Bearer <key>';

describe('API keys on a real server', () => {
  let key: string;

  it('leaves /v1 and /api/v1 open while no key exists', async () => {
    expect((await completion()).status).toBe(200);
    // No such flow: a 404, not a 401.
    expect((await published()).status).toBe(404);
  });

  it('asks for a key once one exists, in OpenAI shape on /v1 and the app shape on /api/v1', async () => {
    key = withKeys((service) => service.create('integration').key);

    const openai = await completion();
    expect(openai.status).toBe(401);
    expect(openai.headers.get('www-authenticate')).toBe('Bearer');
    expect(openai.body).toEqual({
      error: { message: MISSING, type: 'invalid_request_error', param: null, code: 'missing_api_key' },
    });
    const app = await published();
    expect(app.status).toBe(401);
    expect(app.body).toEqual({ error: { code: 'unauthorized', message: MISSING } });
  });

  it('refuses a wrong key and another scheme', async () => {
    const wrong = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    const refused = await completion(bearer(wrong));
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ message: REJECTED, code: 'invalid_api_key' });
    expect((await published(bearer('gw_made_up'))).body).toEqual({
      error: { code: 'unauthorized', message: REJECTED },
    });
    expect((await completion({ authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` })).status).toBe(
      401,
    );
  });

  it('lets a good key through and records when it was used', async () => {
    const before = Date.now();
    const answered = await completion(bearer(key));
    expect(answered.status).toBe(200);
    expect(answered.body.choices[0].message.content).toBe(', there was a');
    // Past the key, the missing flow is what is reported.
    const flow = await published(bearer(key));
    expect(flow.status).toBe(404);
    const lastUsed = withKeys((service) => service.list().find((listed) => listed.name === 'integration')!.lastUsedAt);
    expect(Date.parse(lastUsed!)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('refuses a revoked key with the same words as an unknown one, and opens again with no key left', async () => {
    const other = withKeys((service) => {
      service.revoke('integration');
      return service.create('second').key;
    });
    const revoked = await completion(bearer(key));
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toBe(REJECTED);
    expect((await published(bearer(key))).status).toBe(401);
    expect((await completion(bearer(other))).status).toBe(200);

    withKeys((service) => service.revoke('second'));
    expect((await completion()).status).toBe(200);
  });

  it('keeps the editor API open whatever the keys', async () => {
    withKeys((service) => service.create('third'));
    expect((await request(server.url, 'GET', '/api/health')).status).toBe(200);
    expect((await request(server.url, 'GET', '/api/models')).status).toBe(200);
  });
});
