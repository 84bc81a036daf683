import { Template } from '@huggingface/jinja';
import type { ChatMessage } from '../backend.js';

/** The model's chat template cannot be parsed, refused the messages (`raise_exception`), or failed while rendering. */
export class ChatTemplateError extends Error {
  override readonly name = 'ChatTemplateError';
}

export interface ChatTemplateOptions {
  addGenerationPrompt: boolean;
  /** Special token texts by name (bos_token, eos_token, ...), as TextTokenizer.templateTokens gives them. */
  tokens: Record<string, string>;
}

/**
 * Renders a model's chat template as transformers' apply_chat_template does: `messages`, `add_generation_prompt`,
 * the special token texts, `tools` and `documents` as none, and `date_string` (today, e.g. "26 Jul 2024", which
 * Llama 3.x templates print). @huggingface/jinja itself defines `raise_exception` and `strftime_now`, and refuses
 * to have them redefined, so a template's own `raise_exception('...')` surfaces as a ChatTemplateError with that
 * message.
 */
export function renderChatTemplate(
  template: string,
  messages: readonly ChatMessage[],
  options: ChatTemplateOptions,
): string {
  const compiled = parse(template);
  try {
    return compiled.render({
      date_string: todayAsDateString(),
      ...options.tokens,
      messages: messages.map((message) => ({ ...message })),
      add_generation_prompt: options.addGenerationPrompt,
      tools: null,
      documents: null,
    });
  } catch (error) {
    throw new ChatTemplateError(`The model's chat template failed: ${messageOf(error)}`, { cause: error });
  }
}

/** Plain text for a model without a chat template: the messages' contents, system first, joined by blank lines. */
export function messagesAsPlainText(messages: readonly ChatMessage[]): string {
  const system = messages.filter((message) => message.role === 'system');
  const rest = messages.filter((message) => message.role !== 'system');
  return [...system, ...rest]
    .map((message) => message.content)
    .filter((content) => content !== '')
    .join('\n\n');
}

// A server renders the same few templates for every request: parse each once.
const CACHE_LIMIT = 16;
const parsed = new Map<string, Template>();

function parse(template: string): Template {
  let compiled = parsed.get(template);
  if (compiled === undefined) {
    try {
      compiled = new Template(template);
    } catch (error) {
      throw new ChatTemplateError(`The model's chat template cannot be parsed: ${messageOf(error)}`, { cause: error });
    }
    if (parsed.size >= CACHE_LIMIT) parsed.delete(parsed.keys().next().value!);
    parsed.set(template, compiled);
  }
  return compiled;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** strftime("%d %b %Y") in English, whatever the machine's locale. */
function todayAsDateString(now = new Date()): string {
  return `${String(now.getDate()).padStart(2, '0')} ${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
