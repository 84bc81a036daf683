import type ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRow } from '../../testing/decode-rows.js';
import { readGolden, STORIES_260K } from '../../testing/model-fixtures.js';
import { inspectModelFolder } from '../folder/model-folder.js';
import { Sampler } from '../sampling/index.js';
import { type BatchModel, type DecodeRow, DecodeScheduler, type RowOutcome } from './decode-scheduler.js';
import { GREEDY_PICK_OUTPUT } from './greedy-pick.js';
import { type OnnxBatch, OnnxBatchModel } from './onnx-batch-model.js';
import { openSession } from './providers.js';
import { readSessionSpec } from './session-spec.js';

const golden = readGolden();
const folder = inspectModelFolder(STORIES_260K);
const [first, second] = [golden[0]!, golden[1]!];

/** A greedy row that ends on stories260K's end-of-sequence id. */
function greedyRow(promptIds: readonly number[], maxTokens: number, extra: Partial<DecodeRow> = {}): DecodeRow {
  return decodeRow(promptIds, maxTokens, { eosIds: new Set([2]), ...extra });
}

/** A golden prompt continued by its first `known` greedy ids: its greedy continuation is the rest of them. */
function continued(entry: (typeof golden)[number], known: number) {
  return { prompt: [...entry.prompt_ids, ...entry.greedy_ids.slice(0, known)], rest: entry.greedy_ids.slice(known) };
}

/** Counts the calls of a model, to see that rows really joined and left a running batch. */
function counting(model: BatchModel<OnnxBatch>) {
  const calls = { prefill: 0, step: 0, merge: 0, keep: 0, widest: 0 };
  const counted: BatchModel<OnnxBatch> = {
    prefill(prompts) {
      calls.prefill++;
      return model.prefill(prompts);
    },
    step(batch, tokens) {
      calls.step++;
      calls.widest = Math.max(calls.widest, tokens.length);
      return model.step(batch, tokens);
    },
    merge(a, b) {
      calls.merge++;
      return model.merge(a, b);
    },
    keep(batch, rows) {
      calls.keep++;
      return model.keep(batch, rows);
    },
    release: (batch) => model.release(batch),
  };
  return { calls, counted };
}

describe('continuous batching on stories260K (CPU)', () => {
  let session: ort.InferenceSession;
  let model: OnnxBatchModel;
  let decode: DecodeScheduler<OnnxBatch>;
  beforeAll(async () => {
    ({ session } = await openSession(folder.onnxPath, 'cpu'));
    const spec = readSessionSpec(session, folder.architecture);
    model = await OnnxBatchModel.open(session, spec, { provider: 'cpu', padId: 0, vocabSize: 512 });
    decode = new DecodeScheduler(model, { maxBatch: 8, joinWindowMs: 2, contextLength: 512 });
  });
  afterAll(async () => {
    await model.close();
    await session.release();
  });

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

  it('decodes each golden prompt alone to exactly its greedy ids', async () => {
    for (const entry of golden) {
      expect(await decode.submit(greedyRow(entry.prompt_ids, 48))).toEqual({
        tokens: entry.greedy_ids,
        finish: 'length',
      });
    }
  });

  it('gives the same ids for prompts started together (left-padded), in either order, with uneven limits', async () => {
    const together = await Promise.all([
      decode.submit(greedyRow(first.prompt_ids, 48)),
      decode.submit(greedyRow(second.prompt_ids, 48)),
    ]);
    expect(together.map((outcome) => outcome.tokens)).toEqual([first.greedy_ids, second.greedy_ids]);
    const reversed = await Promise.all([
      decode.submit(greedyRow(second.prompt_ids, 20)),
      decode.submit(greedyRow(first.prompt_ids, 48)),
    ]);
    expect(reversed).toEqual([
      { tokens: second.greedy_ids.slice(0, 20), finish: 'length' },
      { tokens: first.greedy_ids, finish: 'length' },
    ]);
  });

  it('gives requests started at staggered times, joining and leaving a running batch, their greedy ids alone', async () => {
    const { calls, counted } = counting(model);
    const staggered = new DecodeScheduler(counted, { maxBatch: 8, joinWindowMs: 2, contextLength: 512 });
    const [c, d] = [continued(first, 10), continued(second, 3)];
    const results: Promise<RowOutcome>[] = [];
    const at = (tokens: number, start: () => void) => {
      let seen = 0;
      return (token: number) => {
        if (++seen === tokens) start();
        return token < 0;
      };
    };
    results.push(
      staggered.submit(
        greedyRow(first.prompt_ids, 48, {
          accept: at(5, () => {
            results.push(
              staggered.submit(
                greedyRow(second.prompt_ids, 30, {
                  accept: at(7, () => results.push(staggered.submit(greedyRow(c.prompt, 30)))),
                }),
              ),
            );
            results.push(staggered.submit(greedyRow(second.prompt_ids, 12)));
          }),
        }),
      ),
    );
    results.push(staggered.submit(greedyRow(d.prompt, 40)));
    while (results.length < 5) await Promise.all(results);
    const outcomes = await Promise.all(results);
    expect(outcomes.map((outcome) => outcome.tokens)).toEqual([
      first.greedy_ids,
      d.rest.slice(0, 40),
      second.greedy_ids.slice(0, 30),
      second.greedy_ids.slice(0, 12),
      c.rest.slice(0, 30),
    ]);
    // Two prefills joined a running batch, and rows left it as they ended.
    expect(calls).toMatchObject({ prefill: 3, merge: 2, widest: 5 });
    expect(calls.keep).toBeGreaterThanOrEqual(3);
  });

  it('prefills prompts of very different lengths apart, computing less, each row as it gives alone', async () => {
    // 114 tokens against 5: one padded prefill would compute 2 × 114 positions, two prefills 119 and a Run more.
    const long = [...second.prompt_ids, ...second.greedy_ids, ...first.prompt_ids, ...first.greedy_ids];
    const short = first.prompt_ids;
    const longAlone = await decode.submit(greedyRow(long, 24));
    expect(model.prefillGroups([long, short])).toEqual([[1], [0]]);
    const together = async (on: OnnxBatchModel) => {
      const scheduler = new DecodeScheduler(on, { maxBatch: 8, joinWindowMs: 2, contextLength: 512 });
      const before = on.promptPositions;
      const outcomes = await Promise.all([
        scheduler.submit(greedyRow(long, 24)),
        scheduler.submit(greedyRow(short, 24)),
      ]);
      return { outcomes, positions: on.promptPositions - before };
    };
    const expected = [longAlone, { tokens: first.greedy_ids.slice(0, 24), finish: 'length' }];
    expect(await together(model)).toEqual({ outcomes: expected, positions: long.length + short.length });
    // Turned off (GROUNDWORK_PREFILL_GROUPS=0), the same rows, the short one padded to the long one's length.
    const spec = readSessionSpec(session, folder.architecture);
    const oneRun = await OnnxBatchModel.open(session, spec, {
      provider: 'cpu',
      padId: 0,
      vocabSize: 512,
      groupPrefills: false,
    });
    try {
      expect(oneRun.prefillGroups([long, short])).toEqual([[0, 1]]);
      expect(await together(oneRun)).toEqual({ outcomes: expected, positions: 2 * long.length });
    } finally {
      await oneRun.close();
    }
  });

  it('gives a seeded sampled request the same tokens alone and joining a running batch', async () => {
    const sampled = () => {
      const sampler = new Sampler({ temperature: 1, topP: 0.95, topK: 50 }, 7);
      return greedyRow(first.prompt_ids, 40, { pick: (logits, history) => sampler.next(logits, history) });
    };
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
  });

  it('finishes a row on an end-of-sequence token without counting it', async () => {
    const eos = first.greedy_ids[3]!;
    const outcome = await decode.submit({ ...greedyRow(first.prompt_ids, 48), eosIds: new Set([eos]) });
    expect(outcome).toEqual({ tokens: first.greedy_ids.slice(0, 3), finish: 'eos' });
  });

  it('cancels a row mid-batch without disturbing the others', async () => {
    let cancel = false;
    let accepted = 0;
    const outcomes = await Promise.all([
      decode.submit(greedyRow(first.prompt_ids, 48)),
      decode.submit(
        greedyRow(second.prompt_ids, 48, {
          accept: () => {
            if (++accepted === 6) cancel = true;
            return false;
          },
          cancelled: () => cancel,
        }),
      ),
      decode.submit(greedyRow(continued(second, 20).prompt, 28)),
    ]);
    expect(outcomes).toEqual([
      { tokens: first.greedy_ids, finish: 'length' },
      { tokens: second.greedy_ids.slice(0, 6), finish: 'cancelled' },
      { tokens: second.greedy_ids.slice(20), finish: 'length' },
    ]);
  });
});

describe('greedy steps chained on the device (the decoder picks its own tokens; CPU provider)', () => {
  let session: ort.InferenceSession;
  let model: OnnxBatchModel;
  const chains: number[] = [];
  let merges = 0;
  let decode: DecodeScheduler<OnnxBatch>;
  beforeAll(async () => {
    ({ session } = await openSession(folder.onnxPath, 'cpu', { greedyPick: { on: ['cpu'], vocab: 512 } }));
    const spec = readSessionSpec(session, folder.architecture);
    model = await OnnxBatchModel.open(session, spec, {
      provider: 'cpu',
      padId: 0,
      vocabSize: 512,
      deviceLogits: true,
    });
    // The model, counting the steps each chain ran and the merges of rows joining.
    const counted: BatchModel<OnnxBatch> = {
      prefill: (prompts, options) => model.prefill(prompts, options),
      step: (batch, tokens, options) => model.step(batch, tokens, options),
      merge: (a, b) => {
        merges++;
        return model.merge(a, b);
      },
      keep: (batch, rows) => model.keep(batch, rows),
      release: (batch) => model.release(batch),
      chain: async (batch, tokens, steps, stop) => {
        const result = await model.chain(batch, tokens, steps, stop);
        chains.push(result.tokens.length);
        return result;
      },
    };
    decode = new DecodeScheduler(counted, { maxBatch: 8, joinWindowMs: 2, contextLength: 512, chainSteps: 8 });
  });
  afterAll(async () => {
    await model.close();
    await session.release();
  });

  it('is offered for this graph (its greedy pick appended at load, int64 input_ids)', () => {
    expect(session.outputNames).toContain(GREEDY_PICK_OUTPUT);
    expect(model.chainable).toBe(true);
  });

  it('gives each golden prompt its greedy ids, chains never running past a row budget', async () => {
    chains.length = 0;
    for (const entry of golden) {
      expect(await decode.submit(greedyRow(entry.prompt_ids, 19, { greedy: true }))).toEqual({
        tokens: entry.greedy_ids.slice(0, 19),
        finish: 'length',
      });
    }
    // 19 tokens: one from the prefill, then chains of 8, 8 and the 2 left.
    expect(chains.slice(0, 3)).toEqual([8, 8, 2]);
    expect(chains.every((steps) => steps >= 1 && steps <= 8)).toBe(true);
  });

  it('lets a request join a chaining batch (the chain ends early for it) and gives both rows their greedy ids', async () => {
    chains.length = 0;
    merges = 0;
    let joined: Promise<RowOutcome> | undefined;
    const running = decode.submit(
      greedyRow(first.prompt_ids, 48, {
        greedy: true,
        accept: (token) => {
          joined ??= decode.submit(greedyRow(second.prompt_ids, 30, { greedy: true }));
          return token < 0;
        },
      }),
    );
    expect(await running).toEqual({ tokens: first.greedy_ids, finish: 'length' });
    expect(await joined).toEqual({ tokens: second.greedy_ids.slice(0, 30), finish: 'length' });
    expect(merges).toBe(1);
    expect(chains.length).toBeGreaterThan(1);
  });

  it('ends a row on an end-of-sequence token inside a chain, dropping what the chain computed past it', async () => {
    const eos = first.greedy_ids[5]!;
    const outcomes = await Promise.all([
      decode.submit({ ...greedyRow(first.prompt_ids, 48, { greedy: true }), eosIds: new Set([eos]) }),
      decode.submit(greedyRow(second.prompt_ids, 40, { greedy: true })),
    ]);
    expect(outcomes).toEqual([
      { tokens: first.greedy_ids.slice(0, 5), finish: 'eos' },
      { tokens: second.greedy_ids.slice(0, 40), finish: 'length' },
    ]);
  });

  it('steps one at a time while a row samples', async () => {
    chains.length = 0;
    const sampler = new Sampler({ temperature: 1, topK: 50 }, 3);
    const outcome = await decode.submit(
      greedyRow(first.prompt_ids, 12, { greedy: false, pick: (logits, history) => sampler.next(logits, history) }),
    );
    expect(outcome.tokens).toHaveLength(12);
    expect(chains).toEqual([]);
  });
});
