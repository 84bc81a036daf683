import { z } from 'zod';

/**
 * The OpenAI-compatible API's bodies, for validation and for the OpenAPI document. Request objects are not strict:
 * fields this server does not know are dropped, because OpenAI clients send fields the API gained after this was
 * written (and extras like `user` or `store`). Fields known to change the result that the local engine cannot honour
 * are listed here as `unknown` and refused by name in chat-request.ts.
 */

const integer = (what: string) => z.number().refine(Number.isInteger, { error: `must be ${what}` });

const contentPartSchema = z
  .object({
    type: z.string(),
    text: z.string().optional(),
  })
  .loose()
  .describe('A content part; only `text` parts are supported');

export const chatMessageSchema = z
  .object({
    role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function'], {
      error: 'must be one of system, developer, user, assistant, tool',
    }),
    content: z
      .union([z.string(), z.array(contentPartSchema)], { error: 'must be a string or an array of text parts' })
      .nullish(),
    name: z.string().nullish().describe('Ignored'),
    tool_calls: z.array(z.unknown()).nullish().describe('Not supported: tools are not available'),
  })
  .loose();

const stopSchema = z.union([z.string(), z.array(z.string()).max(16, { error: 'must have at most 16 strings' })], {
  error: 'must be a string or an array of strings',
});

export const chatCompletionRequestSchema = z
  .object({
    model: z.string().min(1, { error: 'must name a model' }).describe('A model folder name, as GET /v1/models lists'),
    messages: z.array(chatMessageSchema).min(1, { error: 'must have at least one message' }),
    max_tokens: integer('a whole number').min(1).nullish().describe('Deprecated by OpenAI; max_completion_tokens wins'),
    max_completion_tokens: integer('a whole number')
      .min(1)
      .nullish()
      .describe('Default: the rest of the context window'),
    temperature: z.number().min(0).max(2).nullish().describe("Default 1, as OpenAI's; send 0 for greedy decoding"),
    top_p: z.number().min(0).max(1).nullish(),
    top_k: integer('a whole number').min(0).nullish().describe('Extension (as vLLM names it); 0 for no limit'),
    repetition_penalty: z.number().gt(0).nullish().describe('Extension (as vLLM names it); 1 for none'),
    stop: stopSchema.nullish().describe('Generation ends before any of these; they are not part of the text'),
    seed: integer('an integer').nullish().describe('Makes sampling repeatable'),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    n: integer('a whole number').nullish().describe('Only 1 is supported'),
    user: z.string().nullish().describe('Ignored'),
    // Refused unless they ask for nothing (false, 0, empty, "text"): see chat-request.ts.
    logprobs: z.unknown().optional(),
    top_logprobs: z.unknown().optional(),
    tools: z.unknown().optional(),
    tool_choice: z.unknown().optional(),
    functions: z.unknown().optional(),
    function_call: z.unknown().optional(),
    response_format: z.unknown().optional(),
    logit_bias: z.unknown().optional(),
    presence_penalty: z.unknown().optional(),
    frequency_penalty: z.unknown().optional(),
    audio: z.unknown().optional(),
    modalities: z.unknown().optional(),
    prediction: z.unknown().optional(),
    web_search_options: z.unknown().optional(),
  })
  .describe('POST /v1/chat/completions; fields not listed are ignored');

export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

const usageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
});

const finishReasonSchema = z.enum(['stop', 'length']).describe('length: max_tokens or the context window was reached');

export const chatCompletionSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int().describe('Unix seconds'),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string() }),
      logprobs: z.null(),
      finish_reason: finishReasonSchema,
    }),
  ),
  usage: usageSchema,
});

export type ChatCompletion = z.infer<typeof chatCompletionSchema>;

export const chatCompletionChunkSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion.chunk'),
    created: z.number().int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.number().int(),
        delta: z.object({ role: z.literal('assistant').optional(), content: z.string().optional() }),
        logprobs: z.null(),
        finish_reason: finishReasonSchema.nullable(),
      }),
    ),
    usage: usageSchema.nullish().describe('With stream_options.include_usage: null, then set on a last chunk'),
  })
  .describe('One `data:` line of the event stream; the stream ends with `data: [DONE]`');

export type ChatCompletionChunk = z.infer<typeof chatCompletionChunkSchema>;

export const openaiModelSchema = z.object({
  id: z.string().describe('The model folder name'),
  object: z.literal('model'),
  created: z.number().int().describe('Unix seconds: when the folder was last changed'),
  owned_by: z.literal('groundwork'),
});

export type OpenAIModel = z.infer<typeof openaiModelSchema>;

export const openaiModelListSchema = z.object({
  object: z.literal('list'),
  data: z.array(openaiModelSchema),
});

export const openaiErrorBodySchema = z.object({
  error: z.object({
    message: z.string(),
    type: z.enum(['invalid_request_error', 'server_error']),
    param: z.string().nullable().describe('The request field at fault'),
    code: z.string().nullable(),
  }),
});
