import {
  defaultGroundednessScorer,
  type GroundednessScorer,
  type LlmJudgeOptions,
  LlmJudgeScorer,
} from '@groundwork/runtime/evaluators';
import { type LoadedNliScorer, loadNliScorer } from '@groundwork/runtime/models';
import { HttpError } from '../http/http-error.js';
import type { ModelHost } from '../models/model-host.js';

/** Which groundedness scorer to use, as evaluations, the CLI and the `groundedness` node ask for one. */
export interface ScorerSpec {
  scorer?: 'default' | 'llm' | 'nli';
  /** The model: a chat model for `llm` (a name the host knows), an ONNX NLI classifier for `nli` (name or path). */
  model?: string;
  /** Overrides the scorer's default threshold. */
  threshold?: number;
}

export const SCORER_NAMES = ['default', 'llm', 'nli'] as const;

/** NLI sessions stay loaded per host and folder: an evaluation resolves its scorer once, a flow node on every run. */
const nliCache = new WeakMap<ModelHost, Map<string, Promise<LoadedNliScorer>>>();

/**
 * The scorer a spec asks for. Throws a 400 HttpError (`invalid-request`) naming the problem: an unknown scorer, no
 * model for llm/nli, a model that cannot be found or loaded, a folder that is not an NLI model.
 */
export async function resolveScorer(models: ModelHost, spec: ScorerSpec = {}): Promise<GroundednessScorer> {
  const name = spec.scorer ?? 'default';
  checkThreshold(spec.threshold);
  switch (name) {
    case 'default':
      return withThreshold(defaultGroundednessScorer(), spec.threshold);
    case 'llm': {
      const model = await loadOrExplain(name, requireModel(name, spec.model), () => models.provider.get(spec.model));
      // The ONNX engine's models say their window once loaded; other hosts' models may not (then the full prompt).
      const contextLength = (model as { info?: { contextLength?: number } }).info?.contextLength;
      const judge = new LlmJudgeScorer(async (prompt, { maxTokens, signal }) => {
        const result = await model.generate({ prompt, maxTokens, temperature: 0 }, signal ? { signal } : {});
        return result.text;
      }, judgeOptions(contextLength));
      return withThreshold(judge, spec.threshold);
    }
    case 'nli': {
      const model = requireModel(name, spec.model);
      const scorer = await loadOrExplain(name, model, () => loadNli(models, model));
      return withThreshold(scorer, spec.threshold);
    }
    default:
      throw invalid(`unknown groundedness scorer "${String(name)}" (use ${SCORER_NAMES.join(', ')})`, 'scorer');
  }
}

/**
 * A model with a short window (under 4096 tokens) gets the prompt without its worked examples and a context cut to
 * about three characters per token it has left: the prompt must fit, or every call fails.
 */
function judgeOptions(contextLength: number | undefined): LlmJudgeOptions {
  if (!contextLength || contextLength >= 4096) return {};
  return { examples: false, maxContextChars: Math.min(6000, Math.max(300, (contextLength - 600) * 3)) };
}

/** A model folder the host lists under that name, or a path; loaded once per host. */
async function loadNli(models: ModelHost, model: string): Promise<LoadedNliScorer> {
  const cache = nliCache.get(models) ?? new Map<string, Promise<LoadedNliScorer>>();
  nliCache.set(models, cache);
  const listed = (await models.list()).find((entry) => entry.name === model);
  const path = listed?.path ?? model;
  let loading = cache.get(path);
  if (!loading) {
    // The CPU unless a GPU is asked for by name: a small cross-encoder gains little from auto's GPU probing.
    const device = models.device === 'cuda' || models.device === 'webgpu' ? models.device : 'cpu';
    loading = loadNliScorer(path, { device });
    cache.set(path, loading);
    loading.catch(() => cache.delete(path));
  }
  return loading;
}

async function loadOrExplain<T>(scorer: string, model: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const message = `the ${scorer} groundedness scorer cannot use model "${model}": ${(error as Error)?.message ?? error}`;
    throw invalid(message, 'model');
  }
}

function requireModel(name: string, model: string | undefined): string {
  if (!model?.trim()) throw invalid(`the ${name} groundedness scorer needs a model (set "model")`, 'model');
  return model;
}

function checkThreshold(threshold: number | undefined): void {
  if (threshold === undefined) return;
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw invalid(`the groundedness threshold must be a number from 0 to 1, not ${threshold}`, 'threshold');
  }
}

/** The scorer with `threshold` as its default (when given), so callers need not pass it on every call. */
function withThreshold(scorer: GroundednessScorer, threshold: number | undefined): GroundednessScorer {
  if (threshold === undefined) return scorer;
  return {
    name: scorer.name,
    defaultThreshold: threshold,
    score: (input, options = {}) => scorer.score(input, { ...options, threshold: options.threshold ?? threshold }),
  };
}

function invalid(message: string, field: string): HttpError {
  return new HttpError('invalid-request', message, { issues: [{ path: `groundedness.${field}`, message }] });
}
