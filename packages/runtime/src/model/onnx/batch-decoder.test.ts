import type ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGolden, STORIES_260K } from '../../testing/model-fixtures.js';
import { inspectModelFolder } from '../folder/model-folder.js';
import { BatchDecoder, type DecodeRow } from './batch-decoder.js';
import { ModelRunner } from './model-runner.js';
import type { FromWorker } from './protocol.js';
import { openSession } from './providers.js';
import { readSessionSpec } from './session-spec.js';

const golden = readGolden();
const folder = inspectModelFolder(STORIES_260K);

function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

function greedyRow(promptIds: readonly number[], maxTokens: number): DecodeRow {
  return { promptIds, maxTokens, eosIds: new Set([2]), pick: argmax, accept: () => false, cancelled: () => false };
}

describe('BatchDecoder on stories260K', () => {
  let session: ort.InferenceSession;
  let decoder: BatchDecoder;
  beforeAll(async () => {
    ({ session } = await openSession(folder.onnxPath, 'cpu'));
    decoder = new BatchDecoder(session, readSessionSpec(session, folder.architecture), 0, 512, 512);
  });
  afterAll(() => session.release());

  it('reads the graph interface from the session metadata', () => {
    const spec = readSessionSpec(session, folder.architecture);
    expect(spec).toMatchObject({
      inputIds: { name: 'input_ids', type: 'int64' },
      attentionMask: { name: 'attention_mask', type: 'int64' },
      positionIds: { name: 'position_ids', type: 'int64' },
      cacheType: 'float32',
      kvHeads: 4,
      headDim: 8,
    });
    expect(spec.layers).toHaveLength(5);
    expect(spec.layers[4]).toEqual({
      pastKey: 'past_key_values.4.key',
      pastValue: 'past_key_values.4.value',
      presentKey: 'present.4.key',
      presentValue: 'present.4.value',
    });
  });

  it('decodes each golden prompt greedily to exactly its greedy ids', async () => {
    for (const entry of golden) {
      const [outcome] = await decoder.run([greedyRow(entry.prompt_ids, 48)]);
      expect(outcome).toEqual({ tokens: entry.greedy_ids, finish: 'length' });
    }
  });

  it('gives the same ids for both prompts in one left-padded batch, in either order, with uneven limits', async () => {
    const [a, b] = golden;
    const batch = await decoder.run([greedyRow(a!.prompt_ids, 48), greedyRow(b!.prompt_ids, 48)]);
    expect(batch.map((outcome) => outcome.tokens)).toEqual([a!.greedy_ids, b!.greedy_ids]);
    const reversed = await decoder.run([greedyRow(b!.prompt_ids, 20), greedyRow(a!.prompt_ids, 48)]);
    expect(reversed).toEqual([
      { tokens: b!.greedy_ids.slice(0, 20), finish: 'length' },
      { tokens: a!.greedy_ids, finish: 'length' },
    ]);
  });

  it('reports each row the moment it ends, before the longer rows of its batch', async () => {
    const [a, b] = golden;
    let picks = 0;
    const counting = (row: DecodeRow): DecodeRow => ({
      ...row,
      pick: (logits, history) => {
        picks++;
        return row.pick(logits, history);
      },
    });
    const reported: { index: number; tokens: number; picksSoFar: number }[] = [];
    await decoder.run(
      [counting(greedyRow(a!.prompt_ids, 5)), counting(greedyRow(b!.prompt_ids, 40))],
      (index, outcome) => reported.push({ index, tokens: outcome.tokens.length, picksSoFar: picks }),
    );
    expect(reported.map(({ index, tokens }) => [index, tokens])).toEqual([
      [0, 5],
      [1, 40],
    ]);
    // The short row was reported after 5 steps of both rows, not after the long row's 40.
    expect(reported[0]!.picksSoFar).toBe(10);
  });

  it('finishes a row on an end-of-sequence token without counting it', async () => {
    const eos = golden[0]!.greedy_ids[3]!;
    const row = { ...greedyRow(golden[0]!.prompt_ids, 48), eosIds: new Set([eos]) };
    const [outcome] = await decoder.run([row]);
    expect(outcome).toEqual({ tokens: golden[0]!.greedy_ids.slice(0, 3), finish: 'eos' });
  });
});

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
