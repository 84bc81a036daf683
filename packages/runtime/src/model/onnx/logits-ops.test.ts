import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRow } from '../../testing/decode-rows.js';
import { readGolden, STORIES_260K } from '../../testing/model-fixtures.js';
import { inspectModelFolder } from '../folder/model-folder.js';
import { Sampler } from '../sampling/index.js';
import { float16Bits } from '../synth/float16.js';
import { type BatchModel, type DecodeRow, DecodeScheduler, type RowOutcome } from './decode-scheduler.js';
import { LogitsOps } from './logits-ops.js';
import { type OnnxBatch, OnnxBatchModel } from './onnx-batch-model.js';
import { openSession } from './providers.js';
import { readSessionSpec } from './session-spec.js';

const golden = readGolden();
const folder = inspectModelFolder(STORIES_260K);
const [first, second] = [golden[0]!, golden[1]!];

describe('LogitsOps (CPU)', () => {
  // Two rows, two positions, vocabulary 4: only the last position counts, and ties go to the first index.
  const values = [9, 9, 9, 9, 1, 5, 5, -2, 0, 0, 0, 0, -3, -1, -1, -7];
  for (const type of ['float32', 'float16'] as const) {
    it(`picks the first index of the largest last-position logit (${type})`, async () => {
      const ops = await LogitsOps.open(type, 'cpu', 4);
      try {
        const data = type === 'float32' ? Float32Array.from(values) : Uint16Array.from(values, float16Bits);
        const logits = new ort.Tensor(type, data, [2, 2, 4]);
        expect(await ops.argmax(logits)).toEqual([1, 1]);
        const last = await ops.last(logits);
        expect(last.dims).toEqual([2, 1, 4]);
        expect(Array.from(last.data as ArrayLike<number>)).toEqual(
          [1, 5, 5, -2, -3, -1, -1, -7].map((v) => (type === 'float32' ? v : float16Bits(v))),
        );
      } finally {
        await ops.release();
      }
    });
  }
});

/** A greedy row (the scheduler may take the device's pick; its JavaScript pick is never wanted then). */
function greedyRow(promptIds: readonly number[], maxTokens: number, extra: Partial<DecodeRow> = {}): DecodeRow {
  return decodeRow(promptIds, maxTokens, { eosIds: new Set([2]), greedy: true, ...extra });
}

/** Records, per prefill and step, whether the tokens came from the device's argmax. */
function recording(model: BatchModel<OnnxBatch>) {
  const picked: string[] = [];
  const note = <T extends { argmax?: unknown }>(kind: string, step: T) => {
    picked.push(`${kind}:${step.argmax ? 'argmax' : 'logits'}`);
    return step;
  };
  const recorded: BatchModel<OnnxBatch> = {
    prefill: async (prompts, options) => note('prefill', await model.prefill(prompts, options)),
    step: async (batch, tokens, options) => note('step', await model.step(batch, tokens, options)),
    merge: (a, b) => model.merge(a, b),
    keep: (batch, rows) => model.keep(batch, rows),
    release: (batch) => model.release(batch),
  };
  return { picked, recorded };
}

describe('greedy tokens picked by the logits helper on stories260K (CPU, forced)', () => {
  let session: ort.InferenceSession;
  let model: OnnxBatchModel;
  beforeAll(async () => {
    ({ session } = await openSession(folder.onnxPath, 'cpu'));
    const spec = readSessionSpec(session, folder.architecture);
    model = await OnnxBatchModel.open(session, spec, { provider: 'cpu', padId: 0, vocabSize: 512, deviceLogits: true });
  });
  afterAll(async () => {
    await model.close();
    await session.release();
  });
  const scheduler = (batchModel: BatchModel<OnnxBatch>) =>
    new DecodeScheduler(batchModel, { maxBatch: 8, joinWindowMs: 2, contextLength: 512 });

  it('decodes each golden prompt alone and together to exactly its greedy ids, every step on the argmax path', async () => {
    const { picked, recorded } = recording(model);
    const decode = scheduler(recorded);
    for (const entry of golden) {
      expect(await decode.submit(greedyRow(entry.prompt_ids, 48))).toEqual({
        tokens: entry.greedy_ids,
        finish: 'length',
      });
    }
    const together = await Promise.all([
      decode.submit(greedyRow(second.prompt_ids, 20)),
      decode.submit(greedyRow(first.prompt_ids, 48)),
    ]);
    expect(together.map((outcome) => outcome.tokens)).toEqual([second.greedy_ids.slice(0, 20), first.greedy_ids]);
    expect(picked.length).toBeGreaterThan(48 * golden.length);
    expect(picked.filter((pick) => pick.endsWith(':logits'))).toEqual([]);
  });

  it('gives requests joining a running batch at staggered times their greedy ids alone', async () => {
    const { picked, recorded } = recording(model);
    const decode = scheduler(recorded);
    const later = [...first.prompt_ids, ...first.greedy_ids.slice(0, 10)];
    const results: Promise<RowOutcome>[] = [];
    let seen = 0;
    const joinAt = (token: number) => {
      seen++;
      if (seen === 4) results.push(decode.submit(greedyRow(second.prompt_ids, 30)));
      if (seen === 9) results.push(decode.submit(greedyRow(later, 25)));
      return token < 0;
    };
    results.push(decode.submit(greedyRow(first.prompt_ids, 48, { accept: joinAt })));
    while (results.length < 3) await Promise.all(results);
    const outcomes = await Promise.all(results);
    expect(outcomes.map((outcome) => outcome.tokens)).toEqual([
      first.greedy_ids,
      second.greedy_ids.slice(0, 30),
      first.greedy_ids.slice(10, 35),
    ]);
    expect(picked.filter((pick) => pick === 'prefill:argmax')).toHaveLength(3);
    expect(picked.filter((pick) => pick.endsWith(':logits'))).toEqual([]);
  });

  it('reads logits back while a seeded sampled row shares the batch; every row gets its tokens alone', async () => {
    const sampled = () => {
      const sampler = new Sampler({ temperature: 1, topP: 0.95, topK: 50 }, 7);
      return greedyRow(first.prompt_ids, 40, {
        greedy: sampler.argmaxOnly,
        pick: (logits, history) => sampler.next(logits, history),
      });
    };
    const { picked, recorded } = recording(model);
    const decode = scheduler(recorded);
    const alone = await decode.submit(sampled());
    expect(alone.tokens).not.toEqual(first.greedy_ids.slice(0, 40));
    let joined: Promise<RowOutcome> | undefined;
    const running = decode.submit(
      greedyRow(second.prompt_ids, 48, {
        accept: (token) => {
          joined ??= decode.submit(sampled());
          return token < 0;
        },
      }),
    );
    expect(await running).toEqual({ tokens: second.greedy_ids, finish: 'length' });
    expect(await joined).toEqual(alone);
    // The sampled row read logits while it ran; the greedy row alone went back to the device's picks.
    expect(picked).toContain('step:logits');
    expect(picked.at(-1)).toBe('step:argmax');
  });
});
