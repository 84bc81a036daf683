import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedEmbedding, writeTestEmbeddingModel } from '../../testing/embedding-fixtures.js';
import { STORIES_260K, temporaryFolder } from '../../testing/model-fixtures.js';
import { EmbeddingModelError, readEmbeddingFolder } from './embedding-folder.js';
import { loadEmbeddingModel, type OnnxEmbeddingModel } from './embedding-model.js';

const dir = temporaryFolder('groundwork-embedding-test-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, index) => sum + value * b[index]!, 0);
const norm = (vector: Float32Array) => Math.hypot(...vector);

describe('loadEmbeddingModel on the test embedding model', () => {
  let model: OnnxEmbeddingModel;
  beforeAll(async () => {
    model = await loadEmbeddingModel(await writeTestEmbeddingModel(dir), { batchSize: 2 });
  });
  afterAll(() => model.close());

  it('reads its width and token limit and gives unit vectors pooled over the tokens', async () => {
    expect(model).toMatchObject({ name: 'test-embedding', dimensions: 16, maxTokens: 128 });
    const [car, cars] = await model.embed(['The car.', 'CARS']);
    expect(norm(car!)).toBeCloseTo(1, 5);
    expect(Array.from(car!)).toEqual(
      expectedEmbedding(['[CLS]', 'the', 'car', '.', '[SEP]']).map((value) => expect.closeTo(value, 5)),
    );
    // "cars" is car + ##s, whose vector is zero: the same direction as car alone.
    expect(Array.from(cars!)).toEqual(
      expectedEmbedding(['[CLS]', 'car', '[SEP]']).map((value) => expect.closeTo(value, 5)),
    );
  });

  it('puts related words closer than unrelated ones', async () => {
    const [car, automobile, vehicle, dog, puppy, invoice] = await model.embed([
      'car',
      'automobile',
      'vehicle',
      'dog',
      'puppy',
      'invoice',
    ]);
    expect(cosine(car!, automobile!)).toBeGreaterThan(0.8);
    expect(cosine(car!, vehicle!)).toBeGreaterThan(0.8);
    expect(cosine(dog!, puppy!)).toBeGreaterThan(0.8);
    expect(cosine(car!, dog!)).toBeLessThan(0.3);
    expect(cosine(puppy!, invoice!)).toBeLessThan(0.3);
    const [query, paraphrase, other] = await model.embed([
      'how do I fix my car',
      'The automobile is broken.',
      'The puppy ate bread.',
    ]);
    expect(cosine(query!, paraphrase!)).toBeGreaterThan(cosine(query!, other!) + 0.3);
  });

  it('gives the same vectors batched and alone (padding is masked out), over several batches', async () => {
    const texts = ['dog', 'a very long sentence about the weather and rain and snow', 'car', 'recipe for bread', ''];
    const together = await model.embed(texts);
    expect(together).toHaveLength(5);
    for (const [index, text] of texts.entries()) {
      const [alone] = await model.embed([text]);
      expect(Array.from(together[index]!)).toEqual(Array.from(alone!).map((value) => expect.closeTo(value, 5)));
    }
    expect(await model.embed([])).toEqual([]);
  });

  it('stops between batches when cancelled', async () => {
    await expect(model.embed(['a', 'b', 'c'], AbortSignal.abort())).rejects.toThrow(/abort/i);
  });
});

describe('loadEmbeddingModel on other layouts', () => {
  it('cuts long texts to maxTokens, keeping the closing [SEP]', async () => {
    const model = await loadEmbeddingModel(await writeTestEmbeddingModel(dir, { name: 'short', maxTokens: 6 }));
    try {
      expect(model.maxTokens).toBe(6);
      const ids = model.tokenize('dog dog dog dog dog car car car car');
      expect(ids).toHaveLength(6);
      expect(ids.at(-1)).toBe(3);
      const [cut, kept] = await model.embed(['dog dog dog dog dog car car car car', 'dog dog dog dog']);
      expect(Array.from(cut!)).toEqual(Array.from(kept!).map((value) => expect.closeTo(value, 6)));
    } finally {
      await model.close();
    }
  });

  it('uses a sentence_embedding output when the graph pools, and works without token_type_ids', async () => {
    const folder = await writeTestEmbeddingModel(dir, {
      name: 'pooled',
      output: 'sentence_embedding',
      noTokenTypes: true,
      layout: 'flat',
    });
    const model = await loadEmbeddingModel(folder);
    try {
      const [vector] = await model.embed(['the dog']);
      // token_embeddings are every value + 1: pooling them would point elsewhere.
      expect(Array.from(vector!)).toEqual(
        expectedEmbedding(['[CLS]', 'the', 'dog', '[SEP]']).map((value) => expect.closeTo(value, 5)),
      );
    } finally {
      await model.close();
    }
  });
});

describe('folders that are not embedding models', () => {
  it('refuses a text-generation model by its config, saying why', async () => {
    await expect(loadEmbeddingModel(STORIES_260K)).rejects.toThrow(
      /is a text-generation model \(LlamaForCausalLM\), not a sentence-embedding model/,
    );
    expect(() => readEmbeddingFolder(STORIES_260K)).toThrow(EmbeddingModelError);
  });

  it('refuses a decoder graph even when its config does not say so', async () => {
    const folder = join(dir, 'disguised');
    mkdirSync(join(folder, 'onnx'), { recursive: true });
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    copyFileSync(join(STORIES_260K, 'tokenizer.json'), join(folder, 'tokenizer.json'));
    copyFileSync(join(STORIES_260K, 'onnx', 'model.onnx'), join(folder, 'onnx', 'model.onnx'));
    await expect(loadEmbeddingModel(folder)).rejects.toThrow(/text-generation decoder .* not a sentence-embedding/);
  });

  it('names what a folder lacks', async () => {
    await expect(loadEmbeddingModel(join(dir, 'missing'))).rejects.toThrow(/no such folder/);
    const empty = join(dir, 'config-only');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'config.json'), '{}');
    expect(() => readEmbeddingFolder(empty)).toThrow(/no onnx\/model\.onnx/);
  });
});
