import type { GroundednessScorer } from './types.js';

/** The scorers a flow may ask for by name. */
export const GROUNDEDNESS_SCORERS = ['default', 'llm', 'nli'] as const;
export type GroundednessScorerName = (typeof GROUNDEDNESS_SCORERS)[number];

/** What a `groundedness` node (or an evaluation) asks a host for. */
export interface ScorerRequest {
  scorer: GroundednessScorerName;
  /** A chat model for `llm`, an ONNX NLI classifier folder for `nli`. */
  model?: string;
  threshold?: number;
}

/**
 * A host capability: gives the scorer a request names, or rejects with an error whose message says why not (an
 * unknown model, a folder that is not an NLI model). The runtime has the default scorer itself; hosts with models (the
 * server, the CLI) provide the others.
 */
export type ScorerResolver = (request: ScorerRequest) => Promise<GroundednessScorer>;
