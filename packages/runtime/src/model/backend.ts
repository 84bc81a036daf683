import type { TokenUsage } from '../schema/events.js';

/**
 * The one interface between flows and language models. The ONNX engine, remote or scripted test doubles all
 * implement it; node types never know which one they talk to.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
}

export interface GenerationParameters {
  /** Upper bound on generated tokens. */
  maxTokens?: number;
  /** 0 (the default) decodes greedily. */
  temperature?: number;
  topK?: number;
  topP?: number;
  repetitionPenalty?: number;
  /** Makes sampling repeatable. */
  seed?: number;
  /** Generation ends before any of these strings; they are not part of the text. */
  stop?: string[];
}

export interface GenerateRequest extends GenerationParameters {
  /** Text, or chat messages. */
  prompt: string | ChatMessage[];
  /**
   * For a model with a chat template (default true): chat messages go through it, and a text prompt goes through
   * it as one user message. False sends the text as it is, for raw completion. Models without a template always
   * take plain text (messages joined).
   */
  useChatTemplate?: boolean;
}

export type FinishReason = 'stop' | 'length' | 'eos';

export interface GenerateResult {
  text: string;
  finishReason: FinishReason;
  usage: TokenUsage;
}

export interface GenerateOptions {
  /** Stops generation between tokens; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Receives each piece of text as it is generated. */
  onText?: (text: string) => void;
}

export interface LanguageModel {
  /** The name flows use to pick this model (`llm` config `model`). */
  readonly name: string;
  generate(request: GenerateRequest, options?: GenerateOptions): Promise<GenerateResult>;
}

/** Finds models by name for a run; `undefined` asks for the default model. */
export interface ModelProvider {
  get(name: string | undefined): Promise<LanguageModel>;
}
