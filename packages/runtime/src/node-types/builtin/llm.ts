import { z } from 'zod';
import type { ChatMessage } from '../../model/backend.js';
import { parsePortType, primitive } from '../../schema/port-types.js';
import { defineNodeType, NodeError } from '../node-type.js';

const configSchema = z.strictObject({
  /** A model name the host knows; the host's default model when left out. */
  model: z.string().min(1).optional(),
  maxTokens: z.int().min(1).max(131_072).default(256),
  /** 0 decodes greedily. */
  temperature: z.number().min(0).max(5).default(0),
  topK: z.int().min(1).optional(),
  topP: z.number().gt(0).max(1).optional(),
  repetitionPenalty: z.number().gt(0).max(10).optional(),
  /** Pins this node's sampling; when left out, the node's seed in the run is used (runs record their seed). */
  seed: z.int().optional(),
  stop: z.array(z.string().min(1)).max(16).optional(),
  /** For models with a chat template: false sends a text prompt as raw text instead of as a user message. */
  useChatTemplate: z.boolean().optional(),
});

const PROMPT_TYPE = parsePortType('text | messages');

export const llmNode = defineNodeType({
  type: 'llm',
  title: 'LLM',
  description:
    'Generates text with a language model from a text prompt or chat messages, streaming tokens as it goes. Carries variants to compare models and generation parameters.',
  category: 'model',
  configSchema,
  supportsVariants: true,
  defaultTimeoutMs: 10 * 60_000,
  ports() {
    return {
      inputs: [{ name: 'prompt', type: PROMPT_TYPE, required: true }],
      outputs: [{ name: 'text', type: primitive('text') }],
    };
  },
  async execute(inputs, context) {
    const { config, models } = context;
    if (!models) {
      throw new NodeError(
        'no-model-backend',
        `no model backend is available to run llm node "${context.nodeId}"; give the run a model (the CLI's --model PATH)`,
        { retryable: false },
      );
    }
    const model = await models.get(config.model);
    const { model: _name, ...parameters } = config;
    const result = await model.generate(
      // A seed in the config pins this node's sampling; else the run's seed for this node does.
      { ...parameters, seed: config.seed ?? context.seed, prompt: inputs.prompt as string | ChatMessage[] },
      { signal: context.signal, onText: (text) => context.emitToken(text) },
    );
    return { outputs: { text: result.text }, usage: result.usage };
  },
});
