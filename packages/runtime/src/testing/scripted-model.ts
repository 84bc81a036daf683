import type {
  GenerateOptions,
  GenerateRequest,
  GenerateResult,
  LanguageModel,
  ModelProvider,
} from '../model/backend.js';
import { NodeError } from '../node-types/node-type.js';

export interface ScriptedReply {
  text: string;
  /** The pieces streamed one by one; the text split after each space when left out. */
  pieces?: string[];
  /** Fails the call after streaming the pieces. */
  error?: Error;
}

export type Script = (request: GenerateRequest, call: number) => ScriptedReply | string;

export interface RecordedCall {
  request: GenerateRequest;
  /** Pieces delivered through onText before the call ended. */
  streamed: string[];
  outcome: 'pending' | 'done' | 'aborted' | 'failed';
}

/**
 * A recording model double for tests about scheduling, streaming and cancellation (not about model quality):
 * answers from a script, streams the reply piece by piece with a delay between pieces, honours the abort signal
 * between pieces, and records every call. It is also a ModelProvider that serves itself under its name.
 */
export class ScriptedModel implements LanguageModel, ModelProvider {
  readonly calls: RecordedCall[] = [];
  /** The most calls that were in progress at the same moment. */
  maxConcurrent = 0;
  private active = 0;

  constructor(
    readonly name: string,
    private readonly script: Script,
    private readonly options: { pieceDelayMs?: number } = {},
  ) {}

  async get(name: string | undefined): Promise<LanguageModel> {
    if (name === undefined || name === this.name) return this;
    throw new NodeError('unknown-model', `no model named "${name}" (available: ${this.name})`, { retryable: false });
  }

  async generate(request: GenerateRequest, options: GenerateOptions = {}): Promise<GenerateResult> {
    const call: RecordedCall = { request, streamed: [], outcome: 'pending' };
    this.calls.push(call);
    const scripted = this.script(request, this.calls.length - 1);
    const reply = typeof scripted === 'string' ? { text: scripted } : scripted;
    const pieces = reply.pieces ?? reply.text.split(/(?<= )/).filter((piece) => piece.length > 0);
    this.active++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.active);
    try {
      for (const piece of pieces) {
        await delay(this.options.pieceDelayMs ?? 0);
        if (options.signal?.aborted) {
          call.outcome = 'aborted';
          throw options.signal.reason;
        }
        call.streamed.push(piece);
        options.onText?.(piece);
      }
      if (reply.error) {
        call.outcome = 'failed';
        throw reply.error;
      }
      call.outcome = 'done';
      const prompt =
        typeof request.prompt === 'string' ? request.prompt : request.prompt.map((m) => m.content).join('\n');
      return {
        text: reply.text,
        finishReason: 'stop',
        usage: { inputTokens: prompt.split(/\s+/).filter(Boolean).length, outputTokens: pieces.length },
      };
    } finally {
      this.active--;
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
