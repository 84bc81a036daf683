import type { Response } from 'express';
import type { Logger } from 'pino';
import type { ChatCompletionService, PreparedChat } from './chat-completions.js';
import type { ChatPlan } from './chat-request.js';
import { ChunkBuilder, completionHeader } from './chat-response.js';
import { OpenAIError, toOpenAIError } from './openai-errors.js';

/**
 * Streams a completion as OpenAI does: server-sent `data:` lines, a role chunk, content chunks, a chunk with the
 * finish reason, the usage chunk when asked for, then `data: [DONE]`.
 *
 * The status line waits for the first text: a prompt that does not fit is only found out by the engine, and
 * before anything is sent it can still be an ordinary 400 that clients raise as BadRequestError. A failure after
 * that goes out as a `data: {"error": ...}` line, which official clients raise as an APIError.
 */
export async function streamChat(
  service: ChatCompletionService,
  prepared: PreparedChat,
  plan: ChatPlan,
  response: Response,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  const chunks = new ChunkBuilder(completionHeader(plan.model), plan.includeUsage);
  const send = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`);
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    response.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      // Proxies that buffer responses (nginx) would hold the tokens back until the end.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    send(chunks.role());
  };

  let result: Awaited<ReturnType<ChatCompletionService['generate']>>;
  try {
    result = await service.generate(prepared, {
      signal,
      onText: (text) => {
        if (text === '') return;
        start();
        send(chunks.content(text));
      },
    });
  } catch (error) {
    // The client went away: there is no one to tell.
    if (signal.aborted) return;
    if (!started) throw error;
    const failure = toOpenAIError(error);
    if (!failure) log.error({ err: error, model: plan.model }, 'a streamed chat completion failed');
    send((failure ?? OpenAIError.internal()).toBody());
    response.end();
    return;
  }
  start();
  send(chunks.finish(result.finishReason));
  if (plan.includeUsage) send(chunks.usage(result));
  response.end('data: [DONE]\n\n');
}
