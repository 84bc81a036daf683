import { defaultGroundednessScorer, type GroundednessScorer } from '@groundwork/runtime/evaluators';
import { HttpError } from '../http/http-error.js';
import type { ModelHost } from '../models/model-host.js';

/** Which groundedness scorer to use, as evaluations, the CLI and the `groundedness` node ask for one. */
export interface ScorerSpec {
  scorer?: 'default' | 'llm' | 'nli';
  /** The model: a chat model for `llm`, an ONNX NLI / cross-encoder folder for `nli`. */
  model?: string;
  /** Overrides the scorer's default threshold. */
  threshold?: number;
}

export const SCORER_NAMES = ['default', 'llm', 'nli'] as const;

/**
 * The scorer a spec asks for. Throws a 400 HttpError (`invalid-request`) naming the problem: an unknown scorer, no
 * model for llm/nli, a model that cannot be found or is not an NLI model.
 */
export async function resolveScorer(models: ModelHost, spec: ScorerSpec = {}): Promise<GroundednessScorer> {
  const name = spec.scorer ?? 'default';
  checkThreshold(spec.threshold);
  switch (name) {
    case 'default':
      return withThreshold(defaultGroundednessScorer(), spec.threshold);
    case 'llm':
    case 'nli':
      requireModel(name, spec.model);
      void models;
      throw invalid(`the ${name} groundedness scorer is not available yet`, 'scorer');
    default:
      throw invalid(`unknown groundedness scorer "${String(name)}" (use ${SCORER_NAMES.join(', ')})`, 'scorer');
  }
}

function requireModel(name: string, model: string | undefined): asserts model is string {
  if (!model?.trim()) throw invalid(`the ${name} groundedness scorer needs a model (set "model")`, 'model');
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
