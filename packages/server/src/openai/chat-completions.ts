import { statSync } from 'node:fs';
import type { GenerateOptions, GenerateRequest, GenerateResult, LanguageModel } from '@groundwork/runtime/models';
import type { ModelHost } from '../models/model-host.js';
import type { ChatPlan } from './chat-request.js';
import type { OpenAIModel } from './openai.schemas.js';
import { fromModelError, OpenAIError } from './openai-errors.js';

/** A request ready to run: its model loaded and its token budget settled. */
export interface PreparedChat {
  /** The name the client asked for. */
  name: string;
  model: LanguageModel;
  request: GenerateRequest;
}

/** The models behind `/v1`: found by folder name only, run with the engine's error codes turned into OpenAI's. */
export class ChatCompletionService {
  constructor(private readonly models: ModelHost) {}

  /** Usable models, each name once (the first folder of a name wins, as lookups by name do). */
  async list(): Promise<OpenAIModel[]> {
    const seen = new Set<string>();
    const models: OpenAIModel[] = [];
    for (const listing of await this.models.list()) {
      if (seen.has(listing.name)) continue;
      seen.add(listing.name);
      // A broken first folder hides a good one of the same name: lookups by name would get the broken one.
      if (listing.problem !== undefined) continue;
      models.push({
        id: listing.name,
        object: 'model',
        created: modifiedSeconds(listing.path),
        owned_by: 'groundwork',
      });
    }
    return models;
  }

  async find(name: string): Promise<OpenAIModel | undefined> {
    return (await this.list()).find((model) => model.id === name);
  }

  /** Loads the model (once; later requests reuse it). Throws OpenAIError for unknown or unusable models. */
  async prepare(plan: ChatPlan): Promise<PreparedChat> {
    // The engine also takes folder paths; over HTTP that would let a client load any folder on the server's disk.
    if (!isFolderName(plan.model)) throw OpenAIError.modelNotFound(plan.model);
    let model: LanguageModel;
    try {
      model = await this.models.provider.get(plan.model);
    } catch (error) {
      throw fromModelError(error, plan.model) ?? error;
    }
    // OpenAI generates up to the context window when max_tokens is left out; the engine's own default (256) would
    // cut answers short that OpenAI would finish. The engine caps the budget at what the prompt leaves.
    const window = contextLength(model);
    const request =
      plan.request.maxTokens === undefined && window !== undefined
        ? { ...plan.request, maxTokens: window }
        : plan.request;
    return { name: plan.model, model, request };
  }

  /** Rejects with an OpenAIError for what the client can fix, with the signal's reason when aborted. */
  async generate(prepared: PreparedChat, options: GenerateOptions): Promise<GenerateResult> {
    try {
      return await prepared.model.generate(prepared.request, options);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw fromModelError(error, prepared.name) ?? error;
    }
  }
}

function isFolderName(name: string): boolean {
  return name !== '' && !name.startsWith('.') && !/[/\\]/.test(name);
}

/** The engine's models know their context window; other providers (test doubles) may not. */
function contextLength(model: LanguageModel): number | undefined {
  const length = (model as { info?: { contextLength?: unknown } }).info?.contextLength;
  return typeof length === 'number' && length > 0 ? length : undefined;
}

function modifiedSeconds(path: string): number {
  try {
    return Math.floor(statSync(path).mtimeMs / 1000);
  } catch {
    return 0;
  }
}
