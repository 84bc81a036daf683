import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The files of an encoder model folder (a sentence-embedding model, an NLI classifier) in the Optimum layout:
 * the graph is onnx/model.onnx, then model.onnx, then the first other onnx/model*.onnx by name
 * (model_quantized.onnx, ...).
 */
export function findEncoderGraph(path: string): string | undefined {
  for (const file of [join(path, 'onnx', 'model.onnx'), join(path, 'model.onnx')]) {
    if (existsSync(file)) return file;
  }
  const folder = join(path, 'onnx');
  if (!existsSync(folder)) return undefined;
  const other = readdirSync(folder)
    .filter((name) => /^model.*\.onnx$/.test(name))
    .sort()[0];
  return other === undefined ? undefined : join(folder, other);
}

/** A JSON object file of the folder; `fail` makes the error that names what is missing or unreadable. */
export function readFolderJson(
  folder: string,
  file: string,
  what: string,
  fail: (message: string) => Error,
  // biome-ignore lint/suspicious/noExplicitAny: config files are read loosely; fields are checked where used.
): Record<string, any> {
  const path = join(folder, file);
  if (!existsSync(path)) throw fail(`${folder}: no ${file}${what ? ` (${what})` : ''}`);
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'));
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
    return value;
  } catch (error) {
    throw fail(`${path}: cannot be read (${(error as Error).message})`);
  }
}

/** The architecture in config.json that names a text-generation model (…CausalLM, …ConditionalGeneration), if any. */
export function generativeArchitecture(config: Record<string, unknown>): string | undefined {
  const architectures = Array.isArray(config.architectures) ? config.architectures.map(String) : [];
  return architectures.find((name) => /CausalLM|ConditionalGeneration|LMHeadModel/.test(name));
}

/** The graph, tokenizer.json and (optional) tokenizer_config.json of an encoder folder; `fail` names what is missing. */
export function readEncoderFiles(
  path: string,
  folderPath: string,
  fail: (message: string) => Error,
  // biome-ignore lint/suspicious/noExplicitAny: config files are read loosely; fields are checked where used.
): { onnxPath: string; tokenizerJson: Record<string, any>; tokenizerConfig: Record<string, any> } {
  const onnxPath = findEncoderGraph(path);
  if (!onnxPath) throw fail(`${folderPath}: no onnx/model.onnx, onnx/model*.onnx or model.onnx`);
  const tokenizerJson = readFolderJson(path, 'tokenizer.json', 'the tokenizer the model was trained with', fail);
  const tokenizerConfig = existsSync(join(path, 'tokenizer_config.json'))
    ? readFolderJson(path, 'tokenizer_config.json', '', fail)
    : {};
  return { onnxPath, tokenizerJson, tokenizerConfig };
}
