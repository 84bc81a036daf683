import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRow } from '../../testing/decode-rows.js';
import { readGolden, STORIES_260K, temporaryFolder } from '../../testing/model-fixtures.js';
import { inspectModelFolder } from '../folder/model-folder.js';
import { synthesizeModel } from '../synth/synthesize.js';
import { sharedPrefix } from './batch-layout.js';
import { type DecodeRow, DecodeScheduler } from './decode-scheduler.js';
import { graphTraits, readGraphNodes } from './graph-nodes.js';
import { type OnnxBatch, OnnxBatchModel } from './onnx-batch-model.js';
import { openSession } from './providers.js';
import { readSessionSpec } from './session-spec.js';

const PLAIN = { padding: 'left', groupQueryAttention: false } as const;
const GENAI = { padding: 'right', groupQueryAttention: true } as const;

describe('sharedPrefix', () => {
  const base = Array.from({ length: 10 }, (_, i) => i + 1);
  it('is the longest common start, leaving each prompt a token of its own, whatever the remainders', () => {
    expect(
      sharedPrefix(
        [
          [...base, 50],
          [...base, 60],
        ],
        PLAIN,
        4,
      ),
    ).toBe(10);
    expect(
      sharedPrefix(
        [
          [...base, 50],
          [...base, 60, 61, 62],
        ],
        PLAIN,
        4,
      ),
    ).toBe(10);
    // One prompt is the prefix plus one token: the others may not share past it.
    expect(sharedPrefix([base, [...base, 7]], PLAIN, 4)).toBe(9);
    expect(
      sharedPrefix(
        [
          [...base, 50],
          [...base.slice(0, 6), 99, 98, 97, 96, 95],
        ],
        PLAIN,
        4,
      ),
    ).toBe(6);
  });
  it('refuses short prefixes, one prompt, and GroupQueryAttention graphs', () => {
    // Two prompts that share `base` (10 tokens) and differ in their last.
    const pair = [
      [...base, 50],
      [...base, 60],
    ];
    expect(sharedPrefix(pair, PLAIN, 11)).toBe(0);
    expect(sharedPrefix([[...base, 50]], PLAIN, 1)).toBe(0);
    expect(sharedPrefix(pair, PLAIN, 0)).toBe(0);
    expect(sharedPrefix(pair, GENAI, 4)).toBe(0);
    expect(sharedPrefix(pair, { ...GENAI, padding: 'left' }, 4)).toBe(0);
  });
});

/** A decoder over a model folder on the CPU, with its scheduler, sharing prefixes of `minShared` tokens or more. */
async function open(folderPath: string, minSharedPrefix: number) {
  const folder = inspectModelFolder(folderPath);
  const { session } = await openSession(folder.onnxPath, 'cpu');
  const spec = readSessionSpec(session, folder.architecture, graphTraits(readGraphNodes(folder.onnxPath)));
  const model = await OnnxBatchModel.open(session, spec, {
    provider: 'cpu',
    padId: 0,
    vocabSize: folder.architecture.vocabSize,
    minSharedPrefix,
  });
  const scheduler = new DecodeScheduler<OnnxBatch>(model, { maxBatch: 8, joinWindowMs: 2, contextLength: 512 });
  const greedy = (prompt: readonly number[], maxTokens = 16, extra: Partial<DecodeRow> = {}) =>
    scheduler.submit(decodeRow(prompt, maxTokens, { eosIds: new Set([folder.eosTokenIds[0] ?? 2]), ...extra }));
  return { model, session, spec, greedy };
}

describe('a prefix shared by prompts prefilled together is computed once (CPU)', () => {
  let opened: Awaited<ReturnType<typeof open>>[] = [];
  const root = temporaryFolder('groundwork-shared-prefix-');
  afterAll(async () => {
    for (const { model, session } of opened) {
      await model.close();
      await session.release();
    }
    rmSync(root, { recursive: true, force: true });
  });
  beforeAll(() => {
    opened = [];
  });

  it('on an exported graph (stories260K): remainders of any lengths, each row its tokens alone', async () => {
    const stories = await open(STORIES_260K, 4);
    opened.push(stories);
    expect(stories.spec).toMatchObject({ padding: 'left', groupQueryAttention: false });
    const golden = readGolden()[0]!;
    const prefix = [...golden.prompt_ids, ...golden.greedy_ids.slice(0, 12)];
    const prompts = [
      [...prefix, 280, 31],
      [...prefix, 29],
      [...prefix, 367, 411, 29, 44, 31],
    ];
    const alone = [];
    for (const prompt of prompts) alone.push((await stories.greedy(prompt)).tokens);
    const before = stories.model.promptPositions;
    const together = await Promise.all(prompts.map((prompt) => stories.greedy(prompt)));
    expect(together.map((outcome) => outcome.tokens)).toEqual(alone);
    // The prefix once, then the longest remainder's five positions a row (not three whole prompts).
    expect(stories.model.promptPositions - before).toBe(prefix.length + 3 * 5);
  });

  it('keeps the rows right when rows of a shared prefill leave and others join', async () => {
    const stories = opened[0]!;
    const golden = readGolden();
    const prefix = [...golden[0]!.prompt_ids, ...golden[0]!.greedy_ids.slice(0, 8)];
    const prompts = [
      [...prefix, 280],
      [...prefix, 29, 31, 44],
      [...prefix, 367, 411],
    ];
    // Longer than the running rows when it joins: they get padding at their front, which moves their gaps.
    const late = [...golden[1]!.prompt_ids, ...golden[1]!.greedy_ids.slice(0, 30)];
    const alone = [];
    for (const [index, prompt] of prompts.entries()) alone.push((await stories.greedy(prompt, 6 + 8 * index)).tokens);
    const lateAlone = (await stories.greedy(late, 18)).tokens;
    expect(lateAlone).toEqual(golden[1]!.greedy_ids.slice(30));
    let joined: Promise<{ tokens: number[] }> | undefined;
    let seen = 0;
    const together = await Promise.all(
      prompts.map((prompt, index) =>
        stories.greedy(prompt, 6 + 8 * index, {
          accept: () => {
            if (index === 2 && ++seen === 2) joined = stories.greedy(late, 18);
            return false;
          },
        }),
      ),
    );
    expect(together.map((outcome) => outcome.tokens)).toEqual(alone);
    expect((await joined!).tokens).toEqual(lateAlone);
  });

  it('is not done for a GroupQueryAttention graph (genai form), whose rows still get their tokens alone', async () => {
    const path = synthesizeModel({ shape: 'tiny', graph: 'fused', dtype: 'fp32', out: join(root, 'genai') }).path;
    const genai = await open(path, 8);
    opened.push(genai);
    expect(genai.spec).toMatchObject({ padding: 'right', groupQueryAttention: true });
    const prefix = Array.from({ length: 30 }, (_, i) => 1 + ((i * 37) % 500));
    const prompts = [
      [...prefix, 5],
      [...prefix, 9, 8, 7, 6],
    ];
    const alone = [];
    for (const prompt of prompts) alone.push((await genai.greedy(prompt)).tokens);
    const before = genai.model.promptPositions;
    const together = await Promise.all(prompts.map((prompt) => genai.greedy(prompt)));
    expect(together.map((outcome) => outcome.tokens)).toEqual(alone);
    // Every prompt but its last token, right-padded, then the last tokens as a step.
    expect(genai.model.promptPositions - before).toBe(2 * (prefix.length + 4));
  });
});
