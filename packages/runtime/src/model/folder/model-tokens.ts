import { readFileSync } from 'node:fs';
import { type FolderReader, isObject, type Json } from './folder-reader.js';

/**
 * The special token ids and the chat template of a model folder. Exporters do not agree on which file holds them,
 * so each is looked for in every file a folder may keep it in, in a fixed order of preference.
 */

export interface SpecialTokens {
  bosTokenId: number | undefined;
  eosTokenIds: number[];
  padTokenId: number | undefined;
}

/**
 * generation_config.json is what generate() honours, so it comes first among `sources`; config.json and
 * genai_config.json fill the gaps, and every end-of-sequence id any of them names stops generation.
 */
export function specialTokens(sources: readonly (Json | undefined)[]): SpecialTokens {
  const present = sources.filter((source) => source !== undefined);
  return {
    bosTokenId: firstTokenId(present, 'bos_token_id'),
    eosTokenIds: [...new Set(present.flatMap((source) => tokenIds(source.eos_token_id)))],
    padTokenId: firstTokenId(present, 'pad_token_id'),
  };
}

/** tokenizer_config.json `chat_template`, else chat_template.jinja, else chat_template.json. */
export function chatTemplate(folder: FolderReader, tokenizerConfig: Json | undefined): string | undefined {
  const fromConfig = templateValue(tokenizerConfig?.chat_template);
  if (fromConfig !== undefined) return fromConfig;
  let jinja: string | undefined;
  try {
    jinja = readFileSync(folder.file('chat_template.jinja'), 'utf8');
  } catch {
    jinja = undefined;
  }
  if (jinja !== undefined && jinja.trim() !== '') return jinja;
  return templateValue(folder.json('chat_template.json')?.chat_template);
}

/** A template string, or from a list of named templates the one named `default` (what transformers applies). */
function templateValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (!Array.isArray(value)) return undefined;
  const named = value.find((entry) => isObject(entry) && entry.name === 'default');
  return named ? templateValue(named.template) : undefined;
}

function firstTokenId(sources: readonly Json[], field: string): number | undefined {
  for (const source of sources) {
    const [id] = tokenIds(source[field]);
    if (id !== undefined) return id;
  }
  return undefined;
}

function tokenIds(value: unknown): number[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((id): id is number => Number.isSafeInteger(id) && (id as number) >= 0);
}
