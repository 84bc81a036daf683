import { type FolderReader, isObject, type Json, section } from './folder-reader.js';

/**
 * The architecture numbers the engine sizes its KV cache with, read from config.json or genai_config.json. The two
 * name the same numbers differently, and configs in the wild differ again, so both are normalised here to one shape.
 */

export interface ModelArchitecture {
  /** config.json `model_type`, or genai_config.json `model.type`. */
  modelType: string;
  numLayers: number;
  numAttentionHeads: number;
  numKvHeads: number;
  /** config `head_dim` (genai `head_size`), else hidden size / attention heads. */
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  /** `max_position_embeddings`, else genai `context_length`, else tokenizer `model_max_length`. */
  contextLength: number;
}

/**
 * Some multimodal configs (Gemma 3, Qwen2-VL) keep the language model's numbers in `text_config`, and GPT-2-era
 * configs use shorter names; both are read so such downloads work, while messages use the usual name.
 */
const CONFIG_ALIASES: Record<string, string[]> = {
  num_hidden_layers: ['num_hidden_layers', 'n_layer', 'num_layers'],
  num_attention_heads: ['num_attention_heads', 'n_head', 'num_heads'],
  hidden_size: ['hidden_size', 'n_embd', 'd_model'],
  max_position_embeddings: ['max_position_embeddings', 'n_positions', 'n_ctx', 'seq_length'],
};

export function optimumArchitecture(folder: FolderReader, config: Json, modelMaxLength: unknown): ModelArchitecture {
  const fields = isObject(config.text_config) ? { ...config, ...config.text_config } : config;
  const read = (field: string) => configValue(fields, field);
  const numbers = new NumberReader(folder, 'config.json');
  const numLayers = numbers.required('num_hidden_layers', read('num_hidden_layers'));
  const numAttentionHeads = numbers.required('num_attention_heads', read('num_attention_heads'));
  const hiddenSize = numbers.required('hidden_size', read('hidden_size'));
  return {
    modelType: typeof config.model_type === 'string' ? config.model_type : 'unknown',
    numLayers,
    numAttentionHeads,
    // Configs of models without grouped-query attention leave the KV head count out: it equals the head count.
    numKvHeads: numbers.optional('num_key_value_heads', read('num_key_value_heads')) ?? numAttentionHeads,
    headDim: numbers.optional('head_dim', read('head_dim')) ?? numbers.headDim(hiddenSize, numAttentionHeads),
    hiddenSize,
    vocabSize: numbers.required('vocab_size', read('vocab_size')),
    contextLength: numbers.contextLength('max_position_embeddings', read('max_position_embeddings'), modelMaxLength),
  };
}

/** genai_config.json alone: a config.json lying next to it describes the model before the builder rewrote it. */
export function genaiArchitecture(folder: FolderReader, model: Json, modelMaxLength: unknown): ModelArchitecture {
  const decoder = section(folder, model, 'decoder', 'model.decoder');
  const numbers = new NumberReader(folder, 'genai_config.json');
  const numLayers = numbers.required('model.decoder.num_hidden_layers', decoder.num_hidden_layers);
  const numAttentionHeads = numbers.required('model.decoder.num_attention_heads', decoder.num_attention_heads);
  const hiddenSize = numbers.required('model.decoder.hidden_size', decoder.hidden_size);
  return {
    modelType: typeof model.type === 'string' ? model.type : 'unknown',
    numLayers,
    numAttentionHeads,
    numKvHeads: numbers.optional('model.decoder.num_key_value_heads', decoder.num_key_value_heads) ?? numAttentionHeads,
    headDim:
      numbers.optional('model.decoder.head_size', decoder.head_size) ?? numbers.headDim(hiddenSize, numAttentionHeads),
    hiddenSize,
    vocabSize: numbers.required('model.vocab_size', model.vocab_size),
    contextLength: numbers.contextLength('model.context_length', model.context_length, modelMaxLength),
  };
}

function configValue(config: Json, field: string): unknown {
  for (const name of CONFIG_ALIASES[field] ?? [field]) {
    const value = config[name];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** Reads the positive integers of one config file, failing with the field and the file named. */
class NumberReader {
  constructor(
    private readonly folder: FolderReader,
    private readonly file: string,
  ) {}

  required(field: string, value: unknown): number {
    const number = this.optional(field, value);
    if (number === undefined) throw this.folder.error('bad-config', `${this.file} has no ${field}`);
    return number;
  }

  optional(field: string, value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (isPositiveInteger(value)) return value;
    throw this.folder.error(
      'bad-config',
      `${this.file}: ${field} must be a positive integer, not ${JSON.stringify(value)}`,
    );
  }

  headDim(hiddenSize: number, heads: number): number {
    if (hiddenSize % heads !== 0)
      throw this.folder.error(
        'bad-config',
        `${this.file}: hidden size ${hiddenSize} is not a multiple of ${heads} attention heads, and no head dimension is given`,
      );
    return hiddenSize / heads;
  }

  /** The config's own limit, else the tokenizer's. */
  contextLength(field: string, value: unknown, modelMaxLength: unknown): number {
    if (value !== undefined) return this.required(field, value);
    // Tokenizers without a limit store a huge placeholder (1e30), which is no context length.
    if (isPositiveInteger(modelMaxLength)) return modelMaxLength;
    throw this.folder.error(
      'bad-config',
      `${this.file} has no ${field} (and tokenizer_config.json no model_max_length) to give the context length`,
    );
  }
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}
