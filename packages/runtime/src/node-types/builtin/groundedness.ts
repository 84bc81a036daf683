import { z } from 'zod';
import { defaultGroundednessScorer } from '../../evaluators/groundedness/lexical-scorer.js';
import { GROUNDEDNESS_SCORERS } from '../../evaluators/groundedness/scorer-request.js';
import type { GroundednessContext, GroundednessResult } from '../../evaluators/groundedness/types.js';
import { parsePortType, primitive } from '../../schema/port-types.js';
import { defineNodeType, NodeError } from '../node-type.js';

const configSchema = z.strictObject({
  /** default needs no model and works anywhere; llm and nli need a model the host provides. */
  scorer: z.enum(GROUNDEDNESS_SCORERS).default('default'),
  /** For llm: a chat model's name; for nli: an ONNX NLI classifier folder (name or path). */
  model: z.string().min(1).optional(),
  /** `supported` is `score >= threshold`; the scorer's own when left out (the default scorer's: 0.5). */
  threshold: z.number().min(0).max(1).optional(),
});

const defaultScorer = defaultGroundednessScorer();

export const groundednessNode = defineNodeType({
  type: 'groundedness',
  title: 'Groundedness',
  description:
    'Scores how well the context supports an answer: a score in [0, 1], whether it passes the threshold, and per answer sentence whether it is supported and by which context sentences. The default scorer needs no model; llm (a judge model) and nli (an ONNX NLI classifier) need one.',
  category: 'data',
  configSchema,
  defaultTimeoutMs: 10 * 60_000,
  ports() {
    return {
      inputs: [
        { name: 'answer', type: primitive('text'), required: true },
        { name: 'context', type: parsePortType('text | passages'), required: true },
        { name: 'question', type: primitive('text'), description: 'Shown to the llm judge; the others ignore it.' },
      ],
      outputs: [
        { name: 'score', type: primitive('number') },
        { name: 'supported', type: primitive('boolean') },
        { name: 'result', type: primitive('json'), description: 'The whole verdict, sentence by sentence.' },
      ],
    };
  },
  check(config) {
    if (config.scorer === 'default' || config.model) return [];
    return [
      {
        code: 'invalid-config',
        message: `the ${config.scorer} scorer needs a model (a ${config.scorer === 'llm' ? 'chat model' : 'NLI model folder'})`,
        path: ['model'],
      },
    ];
  },
  async execute(inputs, context) {
    const { config } = context;
    const input = {
      answer: inputs.answer as string,
      context: contextOf(inputs.context),
      ...(typeof inputs.question === 'string' ? { question: inputs.question } : {}),
    };
    const options = {
      signal: context.signal,
      ...(config.threshold !== undefined ? { threshold: config.threshold } : {}),
    };
    if (config.scorer === 'default') return outputsOf(defaultScorer.scoreNow(input, config.threshold), inputs.context);
    if (!context.scorers) {
      throw new NodeError(
        'no-scorer',
        `groundedness node "${context.nodeId}": the ${config.scorer} scorer is not available here (the server and the groundwork command provide it; the default scorer works everywhere)`,
        { retryable: false },
      );
    }
    const scorer = await context
      .scorers({ scorer: config.scorer, ...(config.model ? { model: config.model } : {}) })
      .catch((error: unknown) => {
        throw new NodeError(
          'invalid-scorer',
          `groundedness node "${context.nodeId}": ${(error as Error)?.message ?? error}`,
          {
            retryable: false,
            cause: error,
          },
        );
      });
    return outputsOf(await scorer.score(input, options), inputs.context);
  },
});

/** Text as it is; passages as their texts, so evidence points into passage `i`. */
function contextOf(value: unknown): GroundednessContext {
  if (typeof value === 'string') return value;
  return (value as { text: string }[]).map((passage) => passage.text);
}

/**
 * The node's outputs. With passages as context, each piece of evidence also names its passage's `id` (as
 * `passageId`) and `source` where the passage has one (retrieve's do), so the result says which passage supports
 * each answer sentence.
 */
function outputsOf(result: GroundednessResult, context: unknown) {
  // Through JSON so the `json` output holds plain data only (scorers may add fields of their own).
  const plain = JSON.parse(JSON.stringify(result)) as GroundednessResult;
  if (Array.isArray(context)) {
    const passages = context as { id?: unknown; source?: unknown }[];
    for (const sentence of plain.sentences) {
      for (const evidence of sentence.evidence) {
        const passage = passages[evidence.passage];
        if (typeof passage?.id === 'string') evidence.passageId = passage.id;
        if (typeof passage?.source === 'string') evidence.source = passage.source;
      }
    }
  }
  return { outputs: { score: plain.score, supported: plain.supported, result: plain } };
}
