import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { IncrementalDecoder } from './incremental-decoder.js';
import { TextTokenizer } from './tokenizer.js';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const STORIES = path.resolve(repoRoot, '../shared/models/stories260K');

interface Golden {
  prompt: string;
  prompt_ids: number[];
  greedy_ids: number[];
}

const golden = JSON.parse(readFileSync(path.join(STORIES, 'golden.json'), 'utf8')) as Golden[];
const tokenizer = TextTokenizer.fromFiles(
  path.join(STORIES, 'tokenizer.json'),
  path.join(STORIES, 'tokenizer_config.json'),
);
const vocab = (
  JSON.parse(readFileSync(path.join(STORIES, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } }
).model.vocab;

function idOf(piece: string): number {
  const id = vocab[piece];
  if (id === undefined) throw new Error(`${piece} is not in the stories260K vocabulary`);
  return id;
}

/** What the streamed pieces must add up to: the decoded whole minus the decoded prompt. */
function continuation(promptIds: readonly number[], generated: readonly number[]): string {
  const prompt = tokenizer.decode(promptIds);
  const whole = tokenizer.decode([...promptIds, ...generated]);
  expect(whole.startsWith(prompt)).toBe(true);
  return whole.slice(prompt.length);
}

function stream(promptIds: readonly number[], generated: readonly number[]): { pieces: string[]; text: string } {
  const decoder = new IncrementalDecoder(tokenizer, promptIds);
  const pieces = generated.map((id) => decoder.push(id));
  pieces.push(decoder.flush());
  return { pieces, text: decoder.text };
}

describe('IncrementalDecoder', () => {
  it.each(golden)('streams the continuation of "$prompt" exactly', ({ prompt_ids, greedy_ids }) => {
    const { pieces, text } = stream(prompt_ids, greedy_ids);
    const expected = continuation(prompt_ids, greedy_ids);
    expect(pieces.join('')).toBe(expected);
    expect(text).toBe(expected);
    // Every token of these continuations carries text, so nothing is held back.
    expect(pieces.slice(0, -1).every((piece) => piece !== '')).toBe(true);
  });

  it('keeps the leading space of the first generated token and turns <0x0A> into a newline', () => {
    const { prompt_ids, greedy_ids } = golden[1]!;
    const { pieces } = stream(prompt_ids, greedy_ids);
    expect(pieces[0]).toBe(' They');
    expect(pieces.join('')).toMatch(/^ They saw a big box/);
    expect(pieces).toContain('\n');
  });

  it('holds back byte-fallback pieces until the character is complete', () => {
    const promptIds = tokenizer.encode('Tom said');
    const decoder = new IncrementalDecoder(tokenizer, promptIds);
    expect(decoder.push(idOf('<0xE2>'))).toBe('');
    expect(decoder.push(idOf('<0x80>'))).toBe('');
    expect(decoder.push(idOf('<0x99>'))).toBe('\u2019');
    expect(decoder.push(idOf('s'))).toBe('s');
    expect(decoder.push(idOf('▁the'))).toBe(' the');
    expect(decoder.flush()).toBe('');
    expect(decoder.text).toBe('\u2019s the');
  });

  it('decodes a 4-byte character (an emoji) from byte pieces', () => {
    const bytes = [...new TextEncoder().encode('😀')].map((byte) => idOf(`<0x${byte.toString(16).toUpperCase()}>`));
    const decoder = new IncrementalDecoder(tokenizer, tokenizer.encode('Look'));
    expect(bytes.map((id) => decoder.push(id))).toEqual(['', '', '', '😀']);
  });

  it('lets an incomplete character out as a replacement character at flush, then nothing', () => {
    const decoder = new IncrementalDecoder(tokenizer, tokenizer.encode('Tom said'));
    expect(decoder.push(idOf('▁a'))).toBe(' a');
    expect(decoder.push(idOf('<0xE2>'))).toBe('');
    expect(decoder.flush()).toBe('\uFFFD');
    expect(decoder.flush()).toBe('');
    expect(decoder.text).toBe(' a\uFFFD');
  });

  it('lets out invalid bytes that can never complete instead of holding them forever', () => {
    const decoder = new IncrementalDecoder(tokenizer, tokenizer.encode('Tom'));
    const continuationByte = idOf('<0x80>');
    const pieces = Array.from({ length: 20 }, () => decoder.push(continuationByte));
    pieces.push(decoder.flush());
    expect(pieces.join('')).toBe('\uFFFD'.repeat(20));
    expect(pieces.slice(0, 7)).toEqual(Array(7).fill(''));
  });

  it('skips special tokens generated mid-stream without losing the next space', () => {
    const promptIds = tokenizer.encode('Tom and Lily');
    const generated = [idOf('▁saw'), 1, idOf('▁to'), 2, 2, idOf('▁the')];
    const { pieces } = stream(promptIds, generated);
    expect(pieces.join('')).toBe(continuation(promptIds, generated));
    expect(pieces.join('')).toBe(' saw to the');
  });

  it('streams from an empty prompt like decoding the generated ids alone', () => {
    const ids = golden[1]!.greedy_ids;
    expect(stream([], ids).pieces.join('')).toBe(tokenizer.decode(ids));
  });

  it('decodes only a short window of recent ids per token, so a generation costs O(n)', () => {
    const { prompt_ids, greedy_ids } = golden[0]!;
    const long = [...greedy_ids, ...greedy_ids, ...greedy_ids, ...greedy_ids];
    const decode = vi.spyOn(tokenizer, 'decode');
    try {
      stream(prompt_ids, long);
      const lengths = decode.mock.calls.map(([ids]) => ids.length);
      expect(lengths.length).toBeLessThanOrEqual(2 * long.length + 2);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(6);
    } finally {
      decode.mockRestore();
    }
  });

  it('streams a byte-level BPE tokenizer (GPT-2, Llama 3, Qwen style) the same way', () => {
    const byteLevel = byteLevelTokenizer();
    const promptIds = byteLevel.encode('Say:');
    const generated = [...byteLevel.encode(' wörld 😀', { addSpecialTokens: false }), 256, 32, 111, 107];
    const decoder = new IncrementalDecoder(byteLevel, promptIds);
    const pieces = generated.map((id) => decoder.push(id));
    pieces.push(decoder.flush());
    const prompt = byteLevel.decode(promptIds);
    expect(pieces.join('')).toBe(byteLevel.decode([...promptIds, ...generated]).slice(prompt.length));
    expect(pieces.join('')).toBe(' wörld 😀 ok');
    // ö is two bytes, 😀 four: the pieces before their last byte are held back.
    expect(pieces.slice(0, 4)).toEqual([' ', 'w', '', 'ö']);
    expect(pieces.slice(8, 12)).toEqual(['', '', '', '😀']);
  });
});

/**
 * A minimal byte-level BPE tokenizer: one token per byte, written as GPT-2's printable stand-ins for bytes, no
 * merges, and <|im_end|> as a special token (id 256).
 */
function byteLevelTokenizer(): TextTokenizer {
  const printable = (byte: number) =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  let shifted = 0;
  const alphabet = Array.from({ length: 256 }, (_, byte) =>
    String.fromCodePoint(printable(byte) ? byte : 256 + shifted++),
  );
  const byteLevelStep = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  const json = {
    version: '1.0',
    added_tokens: [
      {
        id: 256,
        content: '<|im_end|>',
        special: true,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
      },
    ],
    normalizer: null,
    pre_tokenizer: byteLevelStep,
    post_processor: null,
    decoder: byteLevelStep,
    model: {
      type: 'BPE',
      vocab: Object.fromEntries(alphabet.map((char, byte) => [char, byte])),
      merges: [],
      unk_token: null,
      fuse_unk: false,
      byte_fallback: false,
    },
  };
  return new TextTokenizer(json, { eos_token: '<|im_end|>', clean_up_tokenization_spaces: false });
}
