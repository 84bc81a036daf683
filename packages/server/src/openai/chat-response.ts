import { randomBytes } from 'node:crypto';
import type { FinishReason, GenerateResult } from '@groundwork/runtime/models';
import type { ChatCompletion, ChatCompletionChunk } from './openai.schemas.js';

type OpenAIFinishReason = ChatCompletion['choices'][number]['finish_reason'];
type Usage = ChatCompletion['usage'];

/** OpenAI has no end-of-sequence reason: a model that ends its answer stopped, as with a stop string. */
export function finishReason(reason: FinishReason): OpenAIFinishReason {
  return reason === 'length' ? 'length' : 'stop';
}

export function usage(result: GenerateResult): Usage {
  const { inputTokens, outputTokens } = result.usage;
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

/** What every response of one completion shares: its id, time and the model name the client sent. */
export interface CompletionHeader {
  id: string;
  created: number;
  model: string;
}

export function completionHeader(model: string): CompletionHeader {
  return { id: `chatcmpl-${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model };
}

export function chatCompletion(header: CompletionHeader, result: GenerateResult): ChatCompletion {
  return {
    id: header.id,
    object: 'chat.completion',
    created: header.created,
    model: header.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: result.text },
        logprobs: null,
        finish_reason: finishReason(result.finishReason),
      },
    ],
    usage: usage(result),
  };
}

/** The chunks of a streamed completion; with include_usage every chunk has `usage: null` until the last, as OpenAI's. */
export class ChunkBuilder {
  constructor(
    private readonly header: CompletionHeader,
    private readonly includeUsage: boolean,
  ) {}

  role(): ChatCompletionChunk {
    return this.chunk({ role: 'assistant' }, null);
  }

  content(text: string): ChatCompletionChunk {
    return this.chunk({ content: text }, null);
  }

  finish(reason: FinishReason): ChatCompletionChunk {
    return this.chunk({}, finishReason(reason));
  }

  /** After the finish chunk: no choices, only the token counts. */
  usage(result: GenerateResult): ChatCompletionChunk {
    return { ...this.start(), choices: [], usage: usage(result) };
  }

  /** OpenAI's field order, which people reading a stream are used to. */
  private start() {
    const { id, created, model } = this.header;
    return { id, object: 'chat.completion.chunk' as const, created, model };
  }

  private chunk(
    delta: ChatCompletionChunk['choices'][number]['delta'],
    reason: OpenAIFinishReason | null,
  ): ChatCompletionChunk {
    return {
      ...this.start(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: reason }],
      ...(this.includeUsage ? { usage: null } : {}),
    };
  }
}
