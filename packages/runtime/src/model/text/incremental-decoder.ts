import type { TextTokenizer } from './tokenizer.js';

/** How many prompt ids before the first generated one give context (as vLLM's detokenize_incrementally does). */
const PROMPT_CONTEXT = 5;
/**
 * Past this many held-back ids, what they decode to is let out: no UTF-8 character needs more than 4 bytes, so the
 * model is emitting invalid bytes (or only ids that decode to nothing), and holding them back forever would let the
 * window, and the cost of each step, grow without bound.
 */
const MAX_HELD_IDS = 8;
const REPLACEMENT = '\uFFFD';

/**
 * Streams text from generated token ids. Each step decodes only a short window of recent ids twice — the ids
 * already emitted (`prefix`) and those plus the pending ones — and emits the difference, so a generation costs
 * O(n) and the decoder's context-dependent rules (SentencePiece stripping the first space of a decoded slice,
 * byte-fallback pieces joining into one character) see enough context.
 *
 * The concatenation of what push() and flush() return is decode(prompt + generated) minus decode(prompt), as long
 * as the prompt's decoded text is a prefix of the whole (true unless the prompt ends inside a character).
 */
export class IncrementalDecoder {
  /** The recent ids: `window[0..read)` is context already emitted, `window[read..]` ids not yet emitted. */
  private window: number[];
  private read: number;
  /** decode(window[0..read)), kept while ids are held back. */
  private prefixText: string;
  private emitted = '';

  /** The prompt's ids give context so the first generated token keeps its leading space. */
  constructor(
    private readonly tokenizer: TextTokenizer,
    promptIds: readonly number[],
  ) {
    this.window = promptIds.slice(Math.max(promptIds.length - PROMPT_CONTEXT, 0));
    this.read = this.window.length;
    this.prefixText = tokenizer.decode(this.window);
  }

  /** All text emitted so far. */
  get text(): string {
    return this.emitted;
  }

  /** Adds one generated id; returns the new text it completes ('' while a multi-byte character is incomplete). */
  push(id: number): string {
    this.window.push(id);
    const whole = this.tokenizer.decode(this.window);
    const pending = whole.length <= this.prefixText.length || whole.endsWith(REPLACEMENT);
    if (pending && this.window.length - this.read < MAX_HELD_IDS) return '';
    return this.advance(whole);
  }

  /** Text still held back at the end (an incomplete character, as replacement characters), then nothing. */
  flush(): string {
    if (this.read === this.window.length) return '';
    return this.advance(this.tokenizer.decode(this.window));
  }

  private advance(whole: string): string {
    if (whole.length <= this.prefixText.length) {
      // The held ids decode to nothing (skipped special tokens): dropping them keeps the context that has text.
      this.window.length = this.read;
      return '';
    }
    const piece = whole.slice(this.prefixText.length);
    // The emitted ids become the context of the next step.
    this.window = this.window.slice(this.read);
    this.read = this.window.length;
    this.prefixText = this.tokenizer.decode(this.window);
    this.emitted += piece;
    return piece;
  }
}
