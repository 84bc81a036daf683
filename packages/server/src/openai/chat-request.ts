import type { ChatMessage, GenerateRequest } from '@groundwork/runtime/models';
import type { z } from 'zod';
import { type ChatCompletionRequest, chatCompletionRequestSchema } from './openai.schemas.js';
import { OpenAIError } from './openai-errors.js';

/**
 * OpenAI's default temperature. Local-model users often want determinism, but a client written against OpenAI that
 * leaves temperature out expects sampling (retries that differ, varied drafts); llama.cpp and Ollama sample by
 * default too. Send `temperature: 0` for greedy decoding.
 */
export const DEFAULT_TEMPERATURE = 1;

/** A chat completion request, checked and mapped to what the engine takes. */
export interface ChatPlan {
  /** The model folder name the client asked for, echoed in responses. */
  model: string;
  /** Without maxTokens when the client gave none: the route fills in the model's context window. */
  request: GenerateRequest;
  stream: boolean;
  includeUsage: boolean;
}

/** Throws an OpenAIError naming the field (`param`) for anything invalid or unsupported. */
export function parseChatRequest(body: unknown): ChatPlan {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw OpenAIError.invalid('The body must be a JSON object, sent with Content-Type: application/json');
  const parsed = chatCompletionRequestSchema.safeParse(body);
  if (!parsed.success) throw fromZodError(parsed.error);
  const input = parsed.data;
  refuseUnsupported(input);
  const stop = input.stop === null || input.stop === undefined ? [] : [input.stop].flat();
  const maxTokens = input.max_completion_tokens ?? input.max_tokens;
  // top_p 0 keeps only the most likely token, which is greedy decoding; the sampler itself wants top_p > 0.
  const greedyTopP = input.top_p === 0;
  const request: GenerateRequest = {
    prompt: input.messages.map(toChatMessage),
    temperature: greedyTopP ? 0 : (input.temperature ?? DEFAULT_TEMPERATURE),
    ...(maxTokens == null ? {} : { maxTokens }),
    ...(input.top_p == null || greedyTopP ? {} : { topP: input.top_p }),
    ...(input.top_k == null ? {} : { topK: input.top_k }),
    ...(input.repetition_penalty == null ? {} : { repetitionPenalty: input.repetition_penalty }),
    ...(input.seed == null ? {} : { seed: input.seed }),
    ...(stop.length > 0 ? { stop } : {}),
  };
  return {
    model: input.model,
    request,
    stream: input.stream === true,
    includeUsage: input.stream === true && input.stream_options?.include_usage === true,
  };
}

/** Fields that would change the result and that the engine cannot honour; their "off" values are accepted. */
function refuseUnsupported(input: ChatCompletionRequest): void {
  const refuse = (param: string, message: string): never => {
    throw OpenAIError.invalid(`${param}: ${message}`, param, 'unsupported_parameter');
  };
  const given = (value: unknown) => value !== undefined && value !== null;
  if (given(input.n) && input.n !== 1)
    refuse('n', 'only n=1 is supported; send one request per completion (with different seeds)');
  if (given(input.logprobs) && input.logprobs !== false) refuse('logprobs', 'log probabilities are not available');
  if (given(input.top_logprobs) && input.top_logprobs !== 0)
    refuse('top_logprobs', 'log probabilities are not available');
  if (nonEmpty(input.tools)) refuse('tools', 'tool calling is not supported');
  if (nonEmpty(input.functions)) refuse('functions', 'function calling is not supported');
  for (const param of ['tool_choice', 'function_call'] as const) {
    const value = input[param];
    // Without tools, "auto" and "none" both mean plain text.
    if (given(value) && value !== 'none' && value !== 'auto') refuse(param, 'tool calling is not supported');
  }
  const format = input.response_format as { type?: unknown } | null | undefined;
  if (given(format) && format?.type !== 'text')
    refuse('response_format', 'only {"type": "text"} is supported (no JSON mode or JSON schema)');
  if (nonEmpty(input.logit_bias)) refuse('logit_bias', 'logit bias is not supported');
  for (const param of ['presence_penalty', 'frequency_penalty'] as const) {
    if (given(input[param]) && input[param] !== 0)
      refuse(param, 'not supported; repetition_penalty (1 for none, 1.1 to discourage repeats) is');
  }
  const modalities = input.modalities;
  if (given(modalities) && !(Array.isArray(modalities) && modalities.every((modality) => modality === 'text')))
    refuse('modalities', 'only text output is supported');
  if (given(input.audio)) refuse('audio', 'audio output is not supported');
  if (given(input.prediction)) refuse('prediction', 'predicted outputs are not supported');
  if (given(input.web_search_options)) refuse('web_search_options', 'web search is not available');
  input.messages.forEach((message, index) => {
    const at = `messages[${index}]`;
    if (message.role === 'function') refuse(`${at}.role`, 'function messages are not supported');
    if (nonEmpty(message.tool_calls)) refuse(`${at}.tool_calls`, 'tool calling is not supported');
    if (Array.isArray(message.content)) {
      message.content.forEach((part, partIndex) => {
        if (part.type !== 'text' || typeof part.text !== 'string')
          refuse(`${at}.content[${partIndex}]`, `only text parts are supported (got type "${part.type}")`);
      });
    }
  });
}

/** `developer` is OpenAI's newer name for `system`; text parts are joined by line breaks, as vLLM does. */
function toChatMessage(message: ChatCompletionRequest['messages'][number]): ChatMessage {
  const role = message.role === 'developer' ? 'system' : (message.role as ChatMessage['role']);
  const content = message.content ?? '';
  return { role, content: typeof content === 'string' ? content : content.map((part) => part.text).join('\n') };
}

function nonEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** The first problem names `param`; the message lists them all (`messages[0].role: must be one of ...`). */
function fromZodError(error: z.ZodError): OpenAIError {
  const problems = error.issues.map((issue) => {
    const path = paramPath(issue.path);
    const message =
      issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'is required' : issue.message;
    return { path, text: path ? `${path}: ${message}` : message };
  });
  return OpenAIError.invalid(problems.map((problem) => problem.text).join('; '), problems[0]?.path || null);
}

/** `messages[0].content`: how OpenAI's documentation and error messages write a field's place. */
function paramPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? String(key) : `.${String(key)}`))
    .join('');
}
