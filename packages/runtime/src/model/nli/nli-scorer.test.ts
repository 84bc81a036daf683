import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORIES_260K, temporaryFolder } from '../../testing/model-fixtures.js';
import { expectedLogits, NLI_VOCAB, writeNliModel } from '../../testing/nli-fixtures.js';
import { OnnxPairClassifier } from './nli-classifier.js';
import { NliModelError, readNliFolder } from './nli-folder.js';
import { type LoadedNliScorer, loadNliScorer, NliScorer } from './nli-scorer.js';

const dir = temporaryFolder('groundwork-nli-test-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [CLS] premise [SEP] hypothesis [SEP], each word looked up by hand ("cats" is cat + ##s), with token types. */
function pairIds(premise: string, hypothesis: string): { ids: number[]; types: number[] } {
  const words = (text: string) =>
    text
      .toLowerCase()
      .replace(/\./g, ' . ')
      .split(/\s+/)
      .filter(Boolean)
      .flatMap((word) => (word === 'cats' ? ['cat', '##s'] : [word]))
      .map((word) => NLI_VOCAB.indexOf(word));
  const a = [2, ...words(premise), 3];
  const b = [...words(hypothesis), 3];
  return { ids: [...a, ...b], types: [...a.map(() => 0), ...b.map(() => 1)] };
}

const softmax = (values: number[]) => {
  const exps = values.map((value) => Math.exp(value - Math.max(...values)));
  return exps.map((value) => value / exps.reduce((sum, x) => sum + x, 0));
};

describe('readNliFolder', () => {
  it('finds the entailment label by name, a binary head by index 1, and a single logit as a sigmoid', () => {
    expect(readNliFolder(writeNliModel({}, join(dir, 'a')))).toMatchObject({
      labels: ['contradiction', 'entailment', 'neutral'],
      mode: 'softmax',
      entailmentIndex: 1,
      maxLength: 64,
      name: 'tiny-nli',
    });
    const flat = readNliFolder(writeNliModel({ labels: ['SUPPORTED', 'other'], layout: 'flat' }, join(dir, 'b')));
    expect(flat).toMatchObject({ entailmentIndex: 0, mode: 'softmax' });
    expect(flat.onnxPath).toMatch(/tiny-nli[/\\]model\.onnx$/);
    expect(readNliFolder(writeNliModel({ labels: ['LABEL_0', 'LABEL_1'] }, join(dir, 'c'))).entailmentIndex).toBe(1);
    expect(readNliFolder(writeNliModel({ labels: ['hallucinated'] }, join(dir, 'd'))).mode).toBe('sigmoid');
  });

  it('says why a folder is not an NLI model', () => {
    expect(() => readNliFolder(STORIES_260K)).toThrow(
      /text-generation model \(LlamaForCausalLM\), not an NLI classifier/,
    );
    expect(() => readNliFolder(writeNliModel({ noLabels: true }, join(dir, 'e')))).toThrow(/has no id2label/);
    expect(() => readNliFolder(writeNliModel({ labels: ['positive', 'negative'] }, join(dir, 'f')))).toThrow(
      /none of its labels \(positive, negative\) means entailment/,
    );
    expect(() => readNliFolder(join(dir, 'missing'))).toThrow(NliModelError);
    const empty = join(dir, 'no-graph');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'config.json'), JSON.stringify({ id2label: { 0: 'entailment', 1: 'neutral' } }));
    expect(() => readNliFolder(empty)).toThrow(/no onnx\/model\.onnx, onnx\/model\*\.onnx or model\.onnx/);
  });
});

describe('OnnxPairClassifier on a tiny classifier graph built in the test', () => {
  let classifier: OnnxPairClassifier;
  beforeAll(async () => {
    classifier = await OnnxPairClassifier.open(readNliFolder(writeNliModel({}, join(dir, 'g'))), 'cpu', 2);
  });
  afterAll(() => classifier.close());

  it('tokenises pairs with the pair template and pads batches without changing any result', async () => {
    expect(classifier.pairOverhead).toBe(3);
    expect(classifier.countTokens('The cats sat.')).toBe(5);
    const pairs = [
      { premise: 'The cat sat on the mat.', hypothesis: 'The cat sat.' },
      { premise: 'yes', hypothesis: 'The dog ran in the park.' },
      { premise: 'The cats ran.', hypothesis: 'no' },
    ];
    const probabilities = await classifier.entailment(pairs);
    pairs.forEach((pair, index) => {
      const { ids, types } = pairIds(pair.premise, pair.hypothesis);
      expect(ids).not.toContain(-1);
      expect(probabilities[index]).toBeCloseTo(softmax(expectedLogits(ids, types, 3))[1]!, 5);
    });
    expect(probabilities[1]).toBeGreaterThan(probabilities[2]!);
  });

  it('uses a sigmoid on a single-logit head and the named label of a softmax head', async () => {
    const single = await OnnxPairClassifier.open(
      readNliFolder(writeNliModel({ labels: ['consistent'] }, join(dir, 'h'))),
    );
    const first = await OnnxPairClassifier.open(
      readNliFolder(writeNliModel({ labels: ['entailment', 'neutral', 'contradiction'] }, join(dir, 'i'))),
    );
    const { ids, types } = pairIds('the tower is tall.', 'the tower is short.');
    const [sigmoid] = await single.entailment([{ premise: 'the tower is tall.', hypothesis: 'the tower is short.' }]);
    expect(sigmoid).toBeCloseTo(1 / (1 + Math.exp(-expectedLogits(ids, types, 1)[0]!)), 5);
    const [zeroth] = await first.entailment([{ premise: 'the tower is tall.', hypothesis: 'the tower is short.' }]);
    expect(zeroth).toBeCloseTo(softmax(expectedLogits(ids, types, 3))[0]!, 5);
    await Promise.all([single.close(), first.close()]);
  });

  it('refuses a graph whose output does not match the labels', async () => {
    const broken = await OnnxPairClassifier.open(readNliFolder(writeNliModel({ outputs: 2 }, join(dir, 'j'))));
    await expect(broken.entailment([{ premise: 'yes', hypothesis: 'no' }])).rejects.toThrow(
      /output "logits" has shape \[1, 2\], not \[batch, 3\] as config\.json's 3 labels say/,
    );
    await broken.close();
  });

  it('refuses a text-generation graph given an id2label', async () => {
    const folder = join(dir, 'decoder');
    mkdirSync(join(folder, 'onnx'), { recursive: true });
    for (const file of ['tokenizer.json', 'onnx/model.onnx']) {
      writeFileSync(join(folder, file), readFileSync(join(STORIES_260K, file)));
    }
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ id2label: { 0: 'entailment', 1: 'neutral' } }));
    await expect(OnnxPairClassifier.open(readNliFolder(folder))).rejects.toThrow(/text-generation decoder/);
  });
});

describe('the NLI scorer', () => {
  let scorer: LoadedNliScorer;
  let direct: OnnxPairClassifier;
  beforeAll(async () => {
    const folder = writeNliModel({ maxLength: 20 }, join(dir, 'k'));
    scorer = await loadNliScorer(folder, { batchSize: 3 });
    direct = await OnnxPairClassifier.open(readNliFolder(folder));
  });
  afterAll(() => Promise.all([scorer.close(), direct.close()]));

  it('scores each sentence by its best context window, and the answer by its weakest sentence', async () => {
    expect(scorer).toMatchObject({
      name: 'nli',
      defaultThreshold: 0.5,
      labels: ['contradiction', 'entailment', 'neutral'],
    });
    expect(scorer.provider).toMatch(/^cpu/);
    const context = [
      'The cat sat on the mat. The dog ran in the park. The tower is tall.',
      'yes. The tower is in Paris.',
    ];
    const answer = 'The tower is tall. The dog ran.';
    const result = await scorer.score({ answer, context });
    expect(result.scorer).toBe('nli');
    expect(result.sentences.map((sentence) => sentence.text)).toEqual(['The tower is tall.', 'The dog ran.']);
    // maxLength 20 leaves room for two short context sentences a window: three windows over the two passages.
    const windows = [
      'The cat sat on the mat. The dog ran in the park.',
      'The tower is tall.',
      'yes. The tower is in Paris.',
    ];
    for (const sentence of result.sentences) {
      const each = await direct.entailment(windows.map((premise) => ({ premise, hypothesis: sentence.text })));
      expect(sentence.score).toBeCloseTo(Math.max(...each), 6);
      const [best] = sentence.evidence;
      expect(best!.text).toBe(windows[each.indexOf(Math.max(...each))]);
      expect(context[best!.passage]!.slice(best!.start, best!.end)).toBe(best!.text);
      expect(best!.score).toBe(sentence.score);
      expect(sentence.supported).toBe(sentence.score >= 0.5);
    }
    // "yes" pushes this model towards entailment: the passage holding it wins for both sentences.
    expect(result.sentences.every((sentence) => sentence.evidence[0]!.passage === 1)).toBe(true);
    expect(result.score).toBe(Math.min(...result.sentences.map((sentence) => sentence.score)));
    expect(result.supported).toBe(result.score >= 0.5);
  });

  it('scores an empty answer 1, an answer against no context 0, and honours a threshold', async () => {
    expect(await scorer.score({ answer: '', context: 'The cat sat.' })).toMatchObject({ score: 1, sentences: [] });
    const none = await scorer.score({ answer: 'The cat sat.', context: [] });
    expect(none).toMatchObject({ score: 0, supported: false });
    expect(none.sentences[0]!.evidence).toEqual([]);
    const lenient = await scorer.score({ answer: 'The cat sat.', context: 'The cat sat.' }, { threshold: 0 });
    expect(lenient).toMatchObject({ supported: true, threshold: 0 });
  });

  it('is the same scorer over a classifier double (the session layer is behind PairClassifier)', async () => {
    const double = new NliScorer({
      maxLength: 512,
      pairOverhead: 3,
      countTokens: (text) => text.split(/\s+/).length,
      entailment: async (pairs) =>
        pairs.map((pair) => (pair.premise.includes(pair.hypothesis.slice(0, -1)) ? 0.9 : 0.1)),
      close: async () => {},
    });
    const result = await double.score({ answer: 'The cat sat. A dog flew.', context: 'The cat sat on the mat.' });
    expect(result.sentences.map((sentence) => sentence.score)).toEqual([0.9, 0.1]);
    expect(result).toMatchObject({ score: 0.1, rating: 1, supported: false });
  });
});
