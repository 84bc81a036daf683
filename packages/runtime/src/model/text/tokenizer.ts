import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';

export interface SpecialToken {
  id: number;
  text: string;
}

/**
 * A model's tokenizer (`tokenizer.json` + `tokenizer_config.json`) over @huggingface/tokenizers, with the defaults of
 * transformers' `encode`/`decode` rather than the library's own (which adds special tokens but does not skip them).
 */
export class TextTokenizer {
  readonly vocabSize: number;
  readonly bos: SpecialToken | undefined;
  readonly eos: SpecialToken | undefined;
  readonly pad: SpecialToken | undefined;
  readonly unk: SpecialToken | undefined;
  /** Texts of special tokens by name, for chat templates: bos_token, eos_token, unk_token, pad_token (and any other *_token string in tokenizer_config). */
  readonly templateTokens: Record<string, string>;

  private readonly tokenizer: Tokenizer;
  /** What encode() must change in the post-processor's output to honour tokenizer_config's add_bos/eos_token. */
  private readonly bosFix: 'add' | 'remove' | undefined;
  private readonly eosFix: 'add' | 'remove' | undefined;

  /** Throws an Error whose message names the file and what is wrong with it. */
  static fromFiles(tokenizerJsonPath: string, tokenizerConfigPath?: string): TextTokenizer {
    const tokenizerJson = readJsonObject(tokenizerJsonPath);
    const tokenizerConfig = tokenizerConfigPath === undefined ? undefined : readJsonObject(tokenizerConfigPath);
    try {
      return new TextTokenizer(tokenizerJson, tokenizerConfig);
    } catch (error) {
      throw new Error(`${tokenizerJsonPath}: unsupported or invalid tokenizer (${messageOf(error)})`, { cause: error });
    }
  }

  constructor(tokenizerJson: object, tokenizerConfig: object = {}) {
    this.tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    const config = tokenizerConfig as Record<string, unknown>;
    this.vocabSize = this.tokenizer.model?.vocab.length ?? this.tokenizer.get_vocab(true).size;

    this.templateTokens = {};
    for (const [name, value] of Object.entries(config)) {
      const text = tokenText(value);
      if (name.endsWith('_token') && text !== undefined) this.templateTokens[name] = text;
    }
    this.bos = this.special('bos_token');
    this.eos = this.special('eos_token');
    this.pad = this.special('pad_token');
    this.unk = this.special('unk_token');

    // transformers rebuilds a Llama-family post-processor from add_bos_token / add_eos_token; the library only runs
    // the post-processor in tokenizer.json. Encoding empty text shows what that post-processor adds.
    const added = this.tokenizer.encode('', { add_special_tokens: true }).ids;
    const addsBos = this.bos !== undefined && added[0] === this.bos.id;
    const addsEos = this.eos !== undefined && added.length > (addsBos ? 1 : 0) && added.at(-1) === this.eos.id;
    this.bosFix = correction(config.add_bos_token, addsBos, this.bos);
    this.eosFix = correction(config.add_eos_token, addsEos, this.eos);
  }

  /** `addSpecialTokens` (default true) adds what the post-processor and tokenizer_config's add_bos_token add. */
  encode(text: string, options: { addSpecialTokens?: boolean } = {}): number[] {
    const addSpecialTokens = options.addSpecialTokens ?? true;
    const ids = this.tokenizer.encode(text, { add_special_tokens: addSpecialTokens }).ids;
    if (!addSpecialTokens) return ids;
    if (this.bosFix === 'add') ids.unshift(this.bos!.id);
    if (this.bosFix === 'remove') ids.shift();
    if (this.eosFix === 'add') ids.push(this.eos!.id);
    if (this.eosFix === 'remove') ids.pop();
    return ids;
  }

  /** `skipSpecialTokens` defaults to true. Unknown ids decode as the unknown token (or nothing when it is skipped). */
  decode(ids: readonly number[], options: { skipSpecialTokens?: boolean } = {}): string {
    // The library throws on an empty list.
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: options.skipSpecialTokens ?? true });
  }

  private special(name: string): SpecialToken | undefined {
    const text = this.templateTokens[name];
    const id = text === undefined ? undefined : this.tokenizer.token_to_id(text);
    return text === undefined || id === undefined ? undefined : { id, text };
  }
}

/** tokenizer_config writes special tokens as strings or as AddedToken objects (`{ content, ... }`). */
function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') {
    return (value as { content: string }).content;
  }
  return undefined;
}

function correction(wanted: unknown, added: boolean, token: SpecialToken | undefined): 'add' | 'remove' | undefined {
  if (wanted === true && !added && token !== undefined) return 'add';
  if (wanted === false && added) return 'remove';
  return undefined;
}

function readJsonObject(path: string): object {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : messageOf(error);
    throw new Error(`${path}: cannot read the tokenizer file (${problem})`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${messageOf(error)})`, { cause: error });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${path}: expected a JSON object`);
  }
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
