import { describe, expect, it } from 'vitest';
import { goldenText, readGolden, STORIES_260K } from '../../testing/model-fixtures.js';
import { inspectModelFolder } from '../folder/model-folder.js';
import { ModelRunner } from './model-runner.js';
import type { FromWorker } from './protocol.js';

const golden = readGolden();
const folder = inspectModelFolder(STORIES_260K);
const [first, second] = [golden[0]!, golden[1]!];

describe('ModelRunner cancellation', () => {
  it('stops generating within one token of a cancel', async () => {
    const runner = await ModelRunner.load(folder, 'cpu');
    const messages: FromWorker[] = [];
    let textsAtCancel = -1;
    const done = new Promise<void>((resolve) => {
      runner.enqueue(1, { prompt: golden[0]!.prompt, maxTokens: 400 }, (message) => {
        messages.push(message);
        const texts = messages.filter((m) => m.type === 'text').length;
        if (message.type === 'text' && texts === 3) {
          textsAtCancel = texts;
          runner.cancel(1);
        }
        if (message.type === 'error' || message.type === 'result') resolve();
      });
    });
    await done;
    await runner.close();
    const texts = messages.filter((m) => m.type === 'text').length;
    expect(textsAtCancel).toBe(3);
    expect(texts - textsAtCancel).toBeLessThanOrEqual(1);
    expect(messages.at(-1)).toEqual({
      type: 'error',
      id: 1,
      error: { code: 'cancelled', message: 'generation was cancelled' },
    });
  });

  it('ends a request cancelled while it waits without running it, and serves the others', async () => {
    const runner = await ModelRunner.load(folder, 'cpu');
    const messages: FromWorker[] = [];
    const settled = new Promise<void>((resolve) => {
      const send = (message: FromWorker) => {
        messages.push(message);
        if (messages.filter((m) => m.type === 'result' || m.type === 'error').length === 2) resolve();
      };
      runner.enqueue(1, { prompt: golden[0]!.prompt, maxTokens: 8 }, send);
      runner.enqueue(2, { prompt: golden[1]!.prompt, maxTokens: 8 }, send);
      runner.cancel(2);
    });
    await settled;
    await runner.close();
    expect(messages.filter((m) => 'id' in m && m.id === 2)).toEqual([
      { type: 'error', id: 2, error: { code: 'cancelled', message: 'generation was cancelled' } },
    ]);
    expect(messages.find((m) => m.type === 'result' && m.id === 1)).toMatchObject({
      result: { usage: { outputTokens: 8 } },
    });
  });
});

describe('ModelRunner with continuous batching', () => {
  it('starts a request that arrives during another at once, and gives both the golden text', async () => {
    const runner = await ModelRunner.load(folder, 'cpu');
    const events: string[] = [];
    const results = new Map<number, string>();
    await new Promise<void>((resolve) => {
      let texts = 0;
      const send = (message: FromWorker) => {
        if (message.type === 'text' && message.id === 1 && ++texts === 5)
          runner.enqueue(2, { prompt: second.prompt, maxTokens: 48 }, send);
        if (message.type === 'text' && !events.includes(`text ${message.id}`)) events.push(`text ${message.id}`);
        if (message.type === 'result') {
          events.push(`result ${message.id}`);
          results.set(message.id, message.result.text);
          if (results.size === 2) resolve();
        }
        if (message.type === 'error') throw new Error(message.error.message);
      };
      runner.enqueue(1, { prompt: first.prompt, maxTokens: 48 }, send);
    });
    await runner.close();
    expect(results).toEqual(
      new Map([
        [1, goldenText(first)],
        [2, goldenText(second)],
      ]),
    );
    // The second request streamed while the first was still generating: it did not wait for the first to end.
    expect(events).toEqual(['text 1', 'text 2', 'result 1', 'result 2']);
  });
});
