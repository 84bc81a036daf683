import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxEngine } from '@groundwork/runtime/models';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpError } from '../http/http-error.js';
import { type ModelHost, onnxModelHost } from '../models/model-host.js';
import { resolveScorer } from './scorers.js';

const SHARED_MODELS = resolve(fileURLToPath(new URL('../../../../../shared/models', import.meta.url)));
const engine = new OnnxEngine({ device: 'cpu', searchPaths: [SHARED_MODELS] });
const host: ModelHost = onnxModelHost(engine, [SHARED_MODELS], 'cpu');
afterAll(() => host.close());

const context = 'The Eiffel Tower is in Paris. It was completed in 1889.';

async function refusal(spec: Parameters<typeof resolveScorer>[1]): Promise<HttpError> {
  const error = await resolveScorer(host, spec).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).status).toBe(400);
  return error as HttpError;
}

describe('resolveScorer', () => {
  it('gives the default scorer when nothing is asked, with a threshold when one is', async () => {
    const scorer = await resolveScorer(host);
    expect(scorer.name).toBe('default');
    const result = await scorer.score({ answer: 'The Eiffel Tower was completed in 1889.', context });
    expect(result).toMatchObject({ scorer: 'default', supported: true, threshold: scorer.defaultThreshold });
    const strict = await resolveScorer(host, { scorer: 'default', threshold: 1 });
    expect(strict.defaultThreshold).toBe(1);
    const judged = await strict.score({ answer: 'The Eiffel Tower was completed in 1925.', context });
    expect(judged).toMatchObject({ threshold: 1, supported: false });
  });

  it('refuses an unknown scorer, a threshold outside [0, 1], and llm or nli without a model', async () => {
    expect((await refusal({ scorer: 'bleu' as 'llm' })).message).toBe(
      'unknown groundedness scorer "bleu" (use default, llm, nli)',
    );
    expect((await refusal({ threshold: 1.5 })).details.issues).toEqual([
      { path: 'groundedness.threshold', message: 'the groundedness threshold must be a number from 0 to 1, not 1.5' },
    ]);
    expect((await refusal({ scorer: 'llm' })).message).toBe('the llm groundedness scorer needs a model (set "model")');
    expect((await refusal({ scorer: 'nli', model: ' ' })).message).toMatch(/nli groundedness scorer needs a model/);
  });

  it('names a model it cannot find, and a generation model given as an NLI model', async () => {
    const missing = await refusal({ scorer: 'llm', model: 'no-such-model' });
    expect(missing.message).toMatch(/^the llm groundedness scorer cannot use model "no-such-model": .*no-such-model/);
    const generative = await refusal({ scorer: 'nli', model: 'stories260K' });
    expect(generative.message).toMatch(/text-generation model \(LlamaForCausalLM\), not an NLI classifier/);
  });

  it('judges with a loaded model through the llm scorer (stories260K: the shape, not the verdict)', async () => {
    const judge = await resolveScorer(host, { scorer: 'llm', model: 'stories260K', threshold: 0.5 });
    expect(judge).toMatchObject({ name: 'llm', defaultThreshold: 0.5 });
    // stories260K takes 512 tokens in all: the host gives a model that small the prompt without its examples.
    const result = await judge.score({ answer: 'Lily was happy.', context: 'Lily smiled.' });
    expect(result).toMatchObject({ scorer: 'llm', threshold: 0.5 });
    expect(result.sentences).toHaveLength(1);
    const [sentence] = result.sentences as ((typeof result.sentences)[number] & {
      rating: number | null;
      reply: string;
    })[];
    expect(sentence!.text).toBe('Lily was happy.');
    expect(sentence!.reply.length).toBeGreaterThan(0);
    expect(sentence!.rating === null || [1, 2, 3, 4, 5].includes(sentence!.rating)).toBe(true);
  });
});
