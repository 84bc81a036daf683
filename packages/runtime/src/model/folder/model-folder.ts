import { basename, join } from 'node:path';
import { FolderReader, isDirectory, isFile, section } from './folder-reader.js';
import { genaiArchitecture, type ModelArchitecture, optimumArchitecture } from './model-config.js';
import {
  detectLayout,
  findLayout,
  genaiGraph,
  type InspectModelOptions,
  type ModelLayout,
  optimumGraph,
} from './model-files.js';
import { chatTemplate, specialTokens } from './model-tokens.js';

/**
 * Reading a model folder from disk: which layout it is, which graph file to load, the architecture numbers the
 * engine sizes its KV cache with, the special tokens and the chat template. Nothing here opens an ONNX Runtime
 * session or parses the tokenizer, so listing a directory of large models stays fast. The result is a plain object
 * because it is posted to the inference worker.
 */

export { ModelFolderError, type ModelFolderProblem } from './folder-reader.js';
export type { ModelArchitecture } from './model-config.js';
export type { InspectModelOptions, ModelDevice, ModelLayout } from './model-files.js';

export interface ModelFolder {
  /** The folder's base name. */
  name: string;
  /** Absolute. */
  path: string;
  layout: ModelLayout;
  /** Absolute path of the chosen graph file. */
  onnxPath: string;
  /** The chosen graph's dtype: fp32, fp16, q8, q4, q4f16, bnb4, another Optimum suffix, or `unknown` (genai). */
  dtype: string;
  /** Every dtype the folder offers. */
  dtypes: string[];
  /** The chosen graph file plus its external data files. */
  sizeBytes: number;
  architecture: ModelArchitecture;
  tokenizerPath: string;
  tokenizerConfigPath: string | undefined;
  chatTemplate: string | undefined;
  bosTokenId: number | undefined;
  eosTokenIds: number[];
  padTokenId: number | undefined;
}

/** Cheap check, no parsing: an Optimum folder (config.json and onnx/) or an onnxruntime-genai one. */
export function isModelFolder(path: string): boolean {
  return findLayout(path) !== undefined;
}

/** Reads a model folder. `dtype` picks the graph; without it the preference order for the device is used. */
export function inspectModelFolder(path: string, options: InspectModelOptions = {}): ModelFolder {
  const folder = new FolderReader(path);
  if (!isDirectory(folder.path)) {
    if (isFile(folder.path)) throw folder.error('not-a-model', 'is a file, not a model folder');
    throw folder.error('not-found', 'no such folder');
  }
  const layout = detectLayout(folder);
  const config = layout === 'optimum' ? folder.requiredJson('config.json') : folder.json('config.json');
  const genai = layout === 'genai' ? section(folder, folder.requiredJson('genai_config.json'), 'model') : undefined;
  const graph = genai ? genaiGraph(folder, genai, options) : optimumGraph(folder, options);
  const generation = folder.json('generation_config.json');
  const tokenizerConfig = folder.json('tokenizer_config.json');
  const tokenizerPath = folder.file('tokenizer.json');
  if (!isFile(tokenizerPath))
    throw folder.error('no-tokenizer', 'no tokenizer.json (a model folder needs the tokenizer it was trained with)');

  const modelMaxLength = tokenizerConfig?.model_max_length;
  const architecture = genai
    ? genaiArchitecture(folder, genai, modelMaxLength)
    : optimumArchitecture(folder, config!, modelMaxLength);
  return {
    name: basename(folder.path),
    path: folder.path,
    layout,
    onnxPath: graph.path,
    dtype: graph.dtype,
    dtypes: graph.dtypes,
    sizeBytes: graph.sizeBytes,
    architecture,
    tokenizerPath,
    tokenizerConfigPath: tokenizerConfig ? join(folder.path, 'tokenizer_config.json') : undefined,
    chatTemplate: chatTemplate(folder, tokenizerConfig),
    ...specialTokens([generation, config, genai]),
  };
}
