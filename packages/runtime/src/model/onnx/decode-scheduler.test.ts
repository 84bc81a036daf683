import { describe, expect, it } from 'vitest';
import { argmax, decodeRow } from '../../testing/decode-rows.js';
import {
  type BatchModel,
  type BatchStep,
  DecodeScheduler,
  type RowOutcome,
  type StepOptions,
} from './decode-scheduler.js';

const VOCAB = 40;

/** The double's "language model": the next token follows from the whole history, so a row fed the wrong history
 * (another row's, or its own shifted) goes wrong at once. */
function nextToken(history: readonly number[]): number {
  return history.reduce((sum, token, index) => (sum * 31 + token * (index + 7)) % 9973, history.length) % VOCAB;
}

/** What a row gives alone: the tokens the double's model continues its prompt with. */
function alone(prompt: readonly number[], count: number): number[] {
  const history = [...prompt];
  for (let i = 0; i < count; i++) history.push(nextToken(history));
  return history.slice(prompt.length);
}

interface ScriptedBatch {
  histories: number[][];
}

type Call = { type: 'prefill' | 'step' | 'merge' | 'keep'; rows: number; kept?: readonly number[] };

/**
 * A scripted BatchModel: a batch is the rows' histories; logits are one-hot at nextToken(history). It records every
 * call, checks that no batch is used twice (the scheduler must hand each one on exactly once), and can hold a step
 * until the test lets it go, to make requests arrive while a step runs.
 */
class ScriptedBatchModel implements BatchModel<ScriptedBatch> {
  readonly calls: Call[] = [];
  readonly live = new Set<ScriptedBatch>();
  /** What each prefill and step was asked for, as `type:rows:need`. */
  readonly needs: string[] = [];
  /** Called at the start of every step, with its number (from 1); may return a promise that holds the step. */
  onStep: ((step: number) => Promise<void> | undefined) | undefined;
  failStep: number | undefined;
  /** Set by a test: how the double cuts waiting prompts into prefills (unset: all in one). */
  prefillGroups: ((prompts: readonly (readonly number[])[]) => number[][]) | undefined;
  /** Set by a test: a prefill of these prompts throws. */
  failPrefill: ((prompts: readonly (readonly number[])[]) => boolean) | undefined;
  private steps = 0;

  async prefill(prompts: readonly (readonly number[])[], options?: StepOptions): Promise<BatchStep<ScriptedBatch>> {
    if (this.failPrefill?.(prompts)) throw new Error('out of memory for this prompt');
    this.calls.push({ type: 'prefill', rows: prompts.length });
    this.needs.push(`prefill:${prompts.length}:${options?.need}`);
    return this.answer({ histories: prompts.map((prompt) => [...prompt]) }, options);
  }

  async step(
    batch: ScriptedBatch,
    tokens: readonly number[],
    options?: StepOptions,
  ): Promise<BatchStep<ScriptedBatch>> {
    this.use(batch);
    this.calls.push({ type: 'step', rows: tokens.length });
    this.needs.push(`step:${tokens.length}:${options?.need}`);
    this.steps++;
    await this.onStep?.(this.steps);
    if (this.steps === this.failStep) throw new Error('the device was lost');
    expect(tokens).toHaveLength(batch.histories.length);
    return this.answer({ histories: batch.histories.map((history, row) => [...history, tokens[row]!]) }, options);
  }

  async merge(first: ScriptedBatch, second: ScriptedBatch): Promise<ScriptedBatch> {
    this.use(first);
    this.use(second);
    this.calls.push({ type: 'merge', rows: first.histories.length + second.histories.length });
    return this.keepLive({ histories: [...first.histories, ...second.histories] });
  }

  async keep(batch: ScriptedBatch, rows: readonly number[]): Promise<ScriptedBatch> {
    this.use(batch);
    this.calls.push({ type: 'keep', rows: rows.length, kept: rows });
    return this.keepLive({ histories: rows.map((row) => batch.histories[row]!) });
  }

  release(batch: ScriptedBatch): void {
    this.use(batch);
  }

  stepSizes(): number[] {
    return this.calls.filter((call) => call.type === 'step').map((call) => call.rows);
  }

  private use(batch: ScriptedBatch): void {
    if (!this.live.delete(batch)) throw new Error('a batch was used after it was handed on');
  }

  private keepLive(batch: ScriptedBatch): ScriptedBatch {
    this.live.add(batch);
    return batch;
  }

  /** Asked for `argmax` only, the double picks on its "device" and has no logits to give, as the ONNX model. */
  private answer(batch: ScriptedBatch, options?: StepOptions): BatchStep<ScriptedBatch> {
    this.keepLive(batch);
    if (options?.need === 'argmax') {
      return {
        batch,
        argmax: (row) => nextToken(batch.histories[row]!),
        logits: () => {
          throw new Error('logits were not read back');
        },
      };
    }
    return {
      batch,
      logits: (row) => {
        const logits = new Float32Array(VOCAB);
        logits[nextToken(batch.histories[row]!)] = 1;
        return logits;
      },
    };
  }
}

function scheduler(model: ScriptedBatchModel, maxBatch = 8) {
  return new DecodeScheduler(model, { maxBatch, joinWindowMs: 2, contextLength: 512 });
}

const done = (tokens: number[]): RowOutcome => ({ tokens, finish: 'length' });

describe('DecodeScheduler (scripted model)', () => {
  it('prefills requests that arrive together as one batch', async () => {
    const model = new ScriptedBatchModel();
    const decode = scheduler(model);
    const outcomes = await Promise.all([decode.submit(decodeRow([1, 2, 3], 4)), decode.submit(decodeRow([5], 6))]);
    expect(outcomes).toEqual([done(alone([1, 2, 3], 4)), done(alone([5], 6))]);
    expect(model.calls[0]).toEqual({ type: 'prefill', rows: 2 });
    expect(model.calls.filter((call) => call.type === 'prefill')).toHaveLength(1);
    expect(model.live.size).toBe(0);
  });

  it('lets a request that arrives during a step join at the next step boundary', async () => {
    const model = new ScriptedBatchModel();
    const decode = scheduler(model);
    let late: Promise<RowOutcome> | undefined;
    model.onStep = (step) => {
      if (step === 3) late = decode.submit(decodeRow([9, 9], 5));
      return undefined;
    };
    const first = await decode.submit(decodeRow([4, 1], 10));
    expect(first).toEqual(done(alone([4, 1], 10)));
    expect(await late).toEqual(done(alone([9, 9], 5)));
    // Three steps alone, then the newcomer's prefill and merge at the boundary, then steps of two.
    expect(model.calls.slice(0, 7).map((call) => `${call.type}:${call.rows}`)).toEqual([
      'prefill:1',
      'step:1',
      'step:1',
      'step:1',
      'prefill:1',
      'merge:2',
      'step:2',
    ]);
    expect(model.live.size).toBe(0);
  });

  it('answers a row the moment it ends and drops it from the steps that follow', async () => {
    const model = new ScriptedBatchModel();
    const decode = scheduler(model);
    let stepsWhenShortEnded = -1;
    const short = decode.submit(decodeRow([3], 3)).then((outcome) => {
      stepsWhenShortEnded = model.stepSizes().length;
      return outcome;
    });
    const long = decode.submit(decodeRow([7, 8], 9));
    expect(await Promise.all([short, long])).toEqual([done(alone([3], 3)), done(alone([7, 8], 9))]);
    // The prefill gives each row its first token; the short row's other two take two steps.
    expect(stepsWhenShortEnded).toBe(2);
    expect(model.stepSizes()).toEqual([2, 2, 1, 1, 1, 1, 1, 1]);
    expect(model.calls.find((call) => call.type === 'keep')).toEqual({ type: 'keep', rows: 1, kept: [1] });
  });

  it('ends a row cancelled mid-batch at the next token without disturbing the others', async () => {
    const model = new ScriptedBatchModel();
    const decode = scheduler(model);
    let cancel = false;
    let tokensWhenCancelled = 0;
    const cancelled = decodeRow([2, 2], 50, {
      accept: (token) => {
        tokensWhenCancelled++;
        if (tokensWhenCancelled === 4) cancel = true;
        return token < 0;
      },
      cancelled: () => cancel,
    });
    const outcomes = await Promise.all([
      decode.submit(decodeRow([1], 12)),
      decode.submit(cancelled),
      decode.submit(decodeRow([6, 5, 4], 12)),
    ]);
    expect(outcomes[0]).toEqual(done(alone([1], 12)));
    expect(outcomes[1]).toEqual({ tokens: alone([2, 2], 4), finish: 'cancelled' });
    expect(outcomes[2]).toEqual(done(alone([6, 5, 4], 12)));
    expect(model.calls.find((call) => call.type === 'keep')).toEqual({ type: 'keep', rows: 2, kept: [0, 2] });
  });

  it('ends a request cancelled while it waits without prefilling it', async () => {
    const model = new ScriptedBatchModel();
    const decode = scheduler(model);
    const outcomes = await Promise.all([
      decode.submit(decodeRow([1], 3)),
      decode.submit(decodeRow([2], 3, { cancelled: () => true })),
    ]);
    expect(outcomes).toEqual([done(alone([1], 3)), { tokens: [], finish: 'cancelled' }]);
    expect(model.calls[0]).toEqual({ type: 'prefill', rows: 1 });
  });

  it('keeps stop and end-of-sequence conditions per row', async () => {
    const model = new ScriptedBatchModel();
    const decode = scheduler(model);
    const expected = alone([5, 3], 10);
    const eos = expected[4]!;
    const [stopped, ended] = await Promise.all([
      decode.submit(decodeRow([5, 3], 10, { accept: (token) => token === expected[2] })),
      decode.submit(decodeRow([5, 3], 10, { eosIds: new Set([eos]) })),
    ]);
    expect(stopped).toEqual({ tokens: expected.slice(0, 3), finish: 'stop' });
    expect(ended).toEqual({ tokens: expected.slice(0, expected.indexOf(eos)), finish: 'eos' });
  });

  it('serves many joins and leaves within the batch limit, each row as it would go alone', async () => {
    const model = new ScriptedBatchModel();
    const decode = scheduler(model, 4);
    const requests = Array.from({ length: 20 }, (_, index) => ({
      prompt: Array.from({ length: 1 + (index % 5) }, (__, i) => (index * 3 + i) % VOCAB),
      maxTokens: 2 + ((index * 7) % 11),
    }));
    const submit = (index: number) => decode.submit(decodeRow(requests[index]!.prompt, requests[index]!.maxTokens));
    const results: Promise<RowOutcome>[] = [submit(0)];
    // Two requests arrive during every step until all are in: faster than rows end, so some must wait for room.
    model.onStep = () => {
      for (let i = 0; i < 2 && results.length < requests.length; i++) results.push(submit(results.length));
      return undefined;
    };
    while (results.length < requests.length) await Promise.all(results);
    const outcomes = await Promise.all(results);
    expect(outcomes).toEqual(requests.map((request) => done(alone(request.prompt, request.maxTokens))));
    expect(Math.max(...model.stepSizes())).toBe(4);
    expect(model.calls.filter((call) => call.type === 'merge').length).toBeGreaterThan(3);
    expect(model.live.size).toBe(0);
  });

  it('asks for the device argmax only while every row is greedy, and gives each row its tokens alone', async () => {
    const model = new ScriptedBatchModel();
    const decode = scheduler(model);
    let picks = 0;
    const counted = (logits: Float32Array) => {
      picks++;
      return argmax(logits);
    };
    const sampled = decodeRow([2, 2], 4, { pick: counted });
    const greedy = (prompt: number[], count: number) => decodeRow(prompt, count, { greedy: true, pick: counted });
    const outcomes = await Promise.all([
      decode.submit(greedy([1, 2, 3], 9)),
      decode.submit(sampled),
      decode.submit(greedy([7], 6)),
    ]);
    expect(outcomes).toEqual([done(alone([1, 2, 3], 9)), done(alone([2, 2], 4)), done(alone([7], 6))]);
    // The sampling row made its batch read logits for the prefill and 3 steps (3 rows picking each time); after it
    // left, the greedy rows took the device's picks.
    expect(picks).toBe(12);
    expect(model.needs).toEqual([
      'prefill:3:logits',
      ...Array(3).fill('step:3:logits'),
      ...Array(2).fill('step:2:argmax'),
      ...Array(3).fill('step:1:argmax'),
    ]);
    // A greedy batch alone is prefilled on the argmax path too.
    await decode.submit(greedy([4], 2));
    expect(model.needs.at(-1)).toBe('step:1:argmax');
    expect(model.needs.at(-2)).toBe('prefill:1:argmax');
    expect(picks).toBe(12);
  });

  it('prefills waiting requests in the groups the model cuts them into, each row as it would go alone', async () => {
    const model = new ScriptedBatchModel();
    const cuts: number[][][] = [];
    model.prefillGroups = (prompts) => {
      // Short prompts together, long ones apart, as the ONNX model cuts by length.
      const short = prompts.flatMap((prompt, index) => (prompt.length < 3 ? [index] : []));
      const long = prompts.flatMap((prompt, index) => (prompt.length >= 3 ? [index] : []));
      cuts.push([short, long]);
      return [short, long];
    };
    const decode = scheduler(model);
    const requests = [
      { prompt: [9, 8, 7, 6], maxTokens: 5 },
      { prompt: [1], maxTokens: 6 },
      { prompt: [5, 4, 3], maxTokens: 4 },
      { prompt: [2, 2], maxTokens: 3 },
    ];
    const outcomes = await Promise.all(
      requests.map(({ prompt, maxTokens }) => decode.submit(decodeRow(prompt, maxTokens))),
    );
    expect(outcomes).toEqual(requests.map(({ prompt, maxTokens }) => done(alone(prompt, maxTokens))));
    expect(cuts).toEqual([
      [
        [1, 3],
        [0, 2],
      ],
    ]);
    // Two prefills of two rows, merged into one batch that then decodes all four rows.
    expect(model.calls.slice(0, 4)).toEqual([
      { type: 'prefill', rows: 2 },
      { type: 'prefill', rows: 2 },
      { type: 'merge', rows: 4 },
      { type: 'step', rows: 4 },
    ]);
  });

  it('fails only the requests of a group whose prefill throws', async () => {
    const model = new ScriptedBatchModel();
    model.prefillGroups = (prompts) => prompts.map((_, index) => [index]);
    model.failPrefill = (prompts) => prompts.some((prompt) => prompt.includes(99));
    const decode = scheduler(model);
    const settled = await Promise.allSettled([
      decode.submit(decodeRow([1, 2], 4)),
      decode.submit(decodeRow([99, 98], 4)),
      decode.submit(decodeRow([3], 5)),
    ]);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'out of memory for this prompt' });
    expect((settled[0] as PromiseFulfilledResult<RowOutcome>).value).toEqual(done(alone([1, 2], 4)));
    expect((settled[2] as PromiseFulfilledResult<RowOutcome>).value).toEqual(done(alone([3], 5)));
    expect(model.live.size).toBe(0);
  });

  it('fails the rows of a step that throws, and serves requests that come after', async () => {
    const model = new ScriptedBatchModel();
    model.failStep = 2;
    const decode = scheduler(model);
    const failed = await Promise.allSettled([decode.submit(decodeRow([1], 5)), decode.submit(decodeRow([2], 5))]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'the device was lost' });
    expect(await decode.submit(decodeRow([3], 4))).toEqual(done(alone([3], 4)));
  });
});
