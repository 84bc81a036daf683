import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TextTokenizer } from './tokenizer.js';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const STORIES = path.resolve(repoRoot, '../shared/models/stories260K');
const TOKENIZER_JSON = path.join(STORIES, 'tokenizer.json');
const TOKENIZER_CONFIG = path.join(STORIES, 'tokenizer_config.json');

interface Golden {
  prompt: string;
  prompt_ids: number[];
  greedy_ids: number[];
  greedy_text_pieces_joined: string;
}

const golden = JSON.parse(readFileSync(path.join(STORIES, 'golden.json'), 'utf8')) as Golden[];
const tokenizer = TextTokenizer.fromFiles(TOKENIZER_JSON, TOKENIZER_CONFIG);
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

function loadError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected an error, nothing was thrown');
}

describe('TextTokenizer on stories260K', () => {
  it.each(golden)('encodes "$prompt" to the golden prompt ids, BOS first', ({ prompt, prompt_ids }) => {
    expect(tokenizer.encode(prompt)).toEqual(prompt_ids);
  });

  it('leaves BOS out when special tokens are not wanted', () => {
    const [first] = golden;
    expect(tokenizer.encode(first!.prompt, { addSpecialTokens: false })).toEqual(first!.prompt_ids.slice(1));
  });

  it('decodes the golden greedy ids to their pieces, byte pieces as characters, the first space stripped', () => {
    for (const { greedy_ids, greedy_text_pieces_joined } of golden) {
      const expected = greedy_text_pieces_joined.replaceAll('<0x0A>', '\n').replace(/^ /, '');
      expect(tokenizer.decode(greedy_ids)).toBe(expected);
    }
    expect(tokenizer.decode(golden[1]!.greedy_ids)).toMatch(/^They saw a big box/);
  });

  it('round-trips prompts and skips special tokens unless asked to keep them', () => {
    const { prompt, prompt_ids } = golden[1]!;
    expect(tokenizer.decode(prompt_ids)).toBe(prompt);
    expect(tokenizer.decode(prompt_ids, { skipSpecialTokens: false })).toBe(`<s> ${prompt}`);
    expect(tokenizer.decode([])).toBe('');
  });

  it('resolves the special tokens of tokenizer_config to ids', () => {
    expect(tokenizer.bos).toEqual({ id: 1, text: '<s>' });
    expect(tokenizer.eos).toEqual({ id: 2, text: '</s>' });
    expect(tokenizer.unk).toEqual({ id: 0, text: '<unk>' });
    expect(tokenizer.pad).toBeUndefined(); // pad_token is null there
    expect(tokenizer.templateTokens).toEqual({ bos_token: '<s>', eos_token: '</s>', unk_token: '<unk>' });
    expect(tokenizer.vocabSize).toBe(512);
  });

  it('reads special tokens written as AddedToken objects', () => {
    const config = {
      ...readJson(TOKENIZER_CONFIG),
      eos_token: { __type: 'AddedToken', content: '</s>', special: true },
    };
    const withObjects = new TextTokenizer(readJson(TOKENIZER_JSON), config);
    expect(withObjects.eos).toEqual({ id: 2, text: '</s>' });
    expect(withObjects.templateTokens.eos_token).toBe('</s>');
  });
});

describe('TextTokenizer: add_bos_token overrides the post-processor, as transformers does for Llama', () => {
  const prompt = 'Once upon a time';
  const withoutBos = golden[0]!.prompt_ids.slice(1);

  it('drops the BOS the post-processor adds when add_bos_token is false', () => {
    const config = { ...readJson(TOKENIZER_CONFIG), add_bos_token: false };
    expect(new TextTokenizer(readJson(TOKENIZER_JSON), config).encode(prompt)).toEqual(withoutBos);
  });

  it('adds BOS when add_bos_token is true and tokenizer.json has no post-processor', () => {
    const json = { ...readJson(TOKENIZER_JSON), post_processor: null };
    expect(new TextTokenizer(json, readJson(TOKENIZER_CONFIG)).encode(prompt)).toEqual([1, ...withoutBos]);
    expect(new TextTokenizer(json, {}).encode(prompt)).toEqual(withoutBos);
  });

  it('adds EOS when add_eos_token is true', () => {
    const config = { ...readJson(TOKENIZER_CONFIG), add_eos_token: true };
    expect(new TextTokenizer(readJson(TOKENIZER_JSON), config).encode(prompt)).toEqual([1, ...withoutBos, 2]);
  });
});

describe('TextTokenizer.fromFiles: errors name the file and the problem', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'groundwork-tokenizer-'));

  it('a missing file', () => {
    const missing = path.join(folder, 'nope', 'tokenizer.json');
    const error = loadError(() => TextTokenizer.fromFiles(missing));
    expect(error.message).toBe(`${missing}: cannot read the tokenizer file (file not found)`);
  });

  it('a missing tokenizer_config', () => {
    const missing = path.join(folder, 'tokenizer_config.json');
    expect(loadError(() => TextTokenizer.fromFiles(TOKENIZER_JSON, missing)).message).toContain(missing);
  });

  it('invalid JSON', () => {
    const broken = path.join(folder, 'broken.json');
    writeFileSync(broken, '{"model": ');
    const error = loadError(() => TextTokenizer.fromFiles(broken));
    expect(error.message.startsWith(`${broken}: not valid JSON (`)).toBe(true);
    expect(error.message).toMatch(/JSON.*\)$/);
  });

  it('JSON that is not an object', () => {
    const list = path.join(folder, 'list.json');
    writeFileSync(list, '[1, 2]');
    expect(loadError(() => TextTokenizer.fromFiles(list)).message).toBe(`${list}: expected a JSON object`);
  });

  it('an unsupported tokenizer model', () => {
    const unsupported = path.join(folder, 'unsupported.json');
    writeFileSync(unsupported, JSON.stringify({ ...readJson(TOKENIZER_JSON), model: { type: 'SentencePieceXL' } }));
    const error = loadError(() => TextTokenizer.fromFiles(unsupported));
    expect(error.message).toBe(
      `${unsupported}: unsupported or invalid tokenizer (Unknown TokenizerModel type: SentencePieceXL)`,
    );
  });
});
