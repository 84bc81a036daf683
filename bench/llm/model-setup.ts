// What the LLM benchmark measures on, built once per run: a view of the model folder in which no token ends a
// sequence (so every request generates exactly the tokens asked for), and prompts of exact token lengths that the
// engine (as text) and transformers.js (as input_ids) both see as the same ids.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mulberry32 } from '@groundwork/runtime/evaluators';
import { inspectModelFolder, type ModelFolder } from '@groundwork/runtime/models';
import { TextTokenizer } from '../../packages/runtime/src/model/text/tokenizer.js';

export interface Prompt {
  text: string;
  ids: number[];
}

export interface BenchModel {
  /** The view folder both engines load. */
  path: string;
  folder: ModelFolder;
  /** Makes a prompt of exactly `length` tokens (the BOS token the tokenizer adds counted), different per `seed`. */
  prompt(length: number, seed: number): Prompt;
}

/** Words tried as one-token units for models whose vocabulary is not synthetic (`t0` … `tN`). */
const COMMON_WORDS = ['the', 'a', 'and', 'he', 'she', 'was', 'to', 'it', 'in', 'of', 'they', 'day', 'big', 'sun'];

/**
 * Writes a view of `source` into a temporary folder: its files linked, and config.json / generation_config.json
 * rewritten so that the end-of-sequence id is the vocabulary size, an id no graph can produce. Generation then runs
 * the full max tokens in both engines, which is what a throughput measurement needs (random or tiny models would
 * otherwise stop at arbitrary points). The pad id stays a real token.
 */
export function prepareModel(source: string, dtype: string | undefined): BenchModel {
  const original = inspectModelFolder(source, dtype ? { dtype } : {});
  const view = join(mkdtempSync(join(tmpdir(), 'groundwork-bench-llm-')), original.name);
  mkdirSync(view);
  const impossible = original.architecture.vocabSize;
  const pad = original.padTokenId ?? 0;
  for (const entry of readdirSync(original.path)) {
    if (entry === 'config.json' || entry === 'generation_config.json') {
      const json = JSON.parse(readFileSync(join(original.path, entry), 'utf8')) as Record<string, unknown>;
      writeFileSync(
        join(view, entry),
        JSON.stringify({ ...json, eos_token_id: impossible, pad_token_id: pad }, null, 2),
      );
    } else symlinkSync(join(original.path, entry), join(view, entry));
  }
  const folder = inspectModelFolder(view, dtype ? { dtype } : {});
  const tokenizer = TextTokenizer.fromFiles(folder.tokenizerPath, folder.tokenizerConfigPath);
  const units = oneTokenWords(tokenizer, original);
  if (units.length < 4)
    throw new Error(`${source}: found no words that encode to one token each to build prompts from`);
  return { path: view, folder, prompt: (length, seed) => buildPrompt(tokenizer, units, length, seed) };
}

/** Words that add exactly one token each, wherever they stand in a text, and are no special token. */
function oneTokenWords(tokenizer: TextTokenizer, folder: ModelFolder): string[] {
  const special = new Set(
    [tokenizer.bos, tokenizer.eos, tokenizer.pad, tokenizer.unk].flatMap((token) => (token ? [token.id] : [])),
  );
  for (const id of [folder.bosTokenId, folder.padTokenId, ...folder.eosTokenIds]) if (id !== undefined) special.add(id);
  const base = tokenizer.encode('').length;
  const synthetic = Array.from({ length: Math.min(folder.architecture.vocabSize, 4096) }, (_, id) => `t${id}`);
  const candidates = tokenizer.encode('t5 t17').length === base + 2 ? synthetic : COMMON_WORDS;
  return candidates.filter((word) => {
    const ids = tokenizer.encode(`${word} ${word} ${word}`).slice(base);
    return ids.length === 3 && ids.every((id) => id === ids[0] && !special.has(id));
  });
}

function buildPrompt(tokenizer: TextTokenizer, units: readonly string[], length: number, seed: number): Prompt {
  const random = mulberry32(seed);
  const word = () => units[Math.floor(random() * units.length)]!;
  const words = Array.from({ length: Math.max(0, length - tokenizer.encode('').length) }, word);
  let ids = tokenizer.encode(words.join(' '));
  // Words add one token each; the loop only settles a rare merge across a word boundary.
  for (let guard = 0; ids.length !== length && guard < 64; guard++) {
    if (ids.length < length) words.push(word());
    else words.pop();
    ids = tokenizer.encode(words.join(' '));
  }
  if (ids.length !== length) throw new Error(`could not build a prompt of exactly ${length} tokens`);
  return { text: words.join(' '), ids };
}
