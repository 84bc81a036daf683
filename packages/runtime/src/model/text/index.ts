export {
  ChatTemplateError,
  type ChatTemplateOptions,
  messagesAsPlainText,
  renderChatTemplate,
} from './chat-template.js';
export { IncrementalDecoder } from './incremental-decoder.js';
export { StopStringMatcher } from './stop-strings.js';
export { type SpecialToken, TextTokenizer } from './tokenizer.js';
