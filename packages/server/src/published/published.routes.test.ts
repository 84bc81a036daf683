import { buildFlow, ScriptedModel } from '@groundwork/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../app.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

let test: TestApp;
let app: App;
afterEach(() => test.close());

async function start(model: ScriptedModel): Promise<string> {
  test = await startTestApp({ provider: model });
  ({ app } = test);
  //   q ──▶ gen (llm) ──▶ answer
  app.context.flows.create(
    buildFlow({
      name: 'ask',
      inputs: { q: 'text' },
      outputs: { answer: 'text' },
      nodes: [
        ['q', 'input', { name: 'q' }],
        ['gen', 'llm', {}],
        ['answer', 'output', { name: 'answer' }],
      ],
      edges: ['q.value -> gen.prompt', 'gen.text -> answer.value'],
    }),
    undefined,
  );
  return `${test.url}/api/v1/flows/ask/run`;
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('published flow calls', () => {
  it('answers outputs, run_id and status, in snake_case', async () => {
    const url = await start(new ScriptedModel('m', (request) => `re: ${request.prompt}`));
    const response = await post(url, { inputs: { q: 'hi' } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { run_id: string };
    expect(body).toEqual({
      outputs: { answer: 're: hi' },
      run_id: expect.stringMatching(/^run_/),
      status: 'succeeded',
    });
    expect(app.context.runs.get(body.run_id)).toMatchObject({ source: 'published', status: 'succeeded' });
  });

  it('answers 409 run-cancelled to a call in progress when the server shuts down', async () => {
    const url = await start(new ScriptedModel('m', () => 'word '.repeat(500), { pieceDelayMs: 2 }));
    const pending = post(url, { inputs: { q: 'hi' } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await app.context.runs.close();
    const response = await pending;
    expect(response.status).toBe(409);
    const { error } = (await response.json()) as { error: { code: string; run_id: string } };
    expect(error).toMatchObject({ code: 'run-cancelled', run_id: expect.stringMatching(/^run_/) });
    expect(app.context.runs.get(error.run_id)!.status).toBe('cancelled');
  });
});
