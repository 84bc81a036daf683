import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { generativeArchitecture, readEncoderFiles, readFolderJson } from '../encoder-files.js';

/**
 * A sentence-embedding model folder in the Optimum / transformers.js layout (an exported all-MiniLM-L6-v2, bge-small,
 * e5-small): `config.json`, `tokenizer.json` (+ `tokenizer_config.json`), and `onnx/model*.onnx` or `model.onnx`.
 */
export interface EmbeddingFolder {
  name: string;
  path: string;
  onnxPath: string;
  tokenizerJson: object;
  tokenizerConfig: Record<string, unknown>;
  /** The longest input in tokens (special tokens included): config or tokenizer limit, at most 512. */
  maxTokens: number;
}

/** A folder that cannot be used as an embedding model, with what is wrong worded for the user. */
export class EmbeddingModelError extends Error {
  override name = 'EmbeddingModelError';
}

const MAX_TOKENS_CAP = 512;

/** Reads and checks an embedding model folder; throws EmbeddingModelError naming what is missing or wrong. */
export function readEmbeddingFolder(folderPath: string): EmbeddingFolder {
  const path = resolve(folderPath);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new EmbeddingModelError(
      `${folderPath}: no such folder (an embedding model is a folder with config.json, tokenizer.json and onnx/model.onnx)`,
    );
  }
  const config = readFolderJson(
    path,
    'config.json',
    'the config the model was exported with',
    (message) => new EmbeddingModelError(message),
  );
  const generative = generativeArchitecture(config);
  if (generative) {
    throw new EmbeddingModelError(
      `${folderPath} is a text-generation model (${generative}), not a sentence-embedding model: an embedding model ` +
        'turns a text into one vector (an exported sentence-transformers model such as all-MiniLM-L6-v2 or bge-small)',
    );
  }
  const { onnxPath, tokenizerJson, tokenizerConfig } = readEncoderFiles(
    path,
    folderPath,
    (message) => new EmbeddingModelError(message),
  );
  const declared = [config.max_position_embeddings, tokenizerConfig.model_max_length]
    .map(Number)
    .filter((value) => Number.isInteger(value) && value > 2 && value <= 1_000_000);
  return {
    name: basename(path),
    path,
    onnxPath,
    tokenizerJson,
    tokenizerConfig,
    maxTokens: Math.min(MAX_TOKENS_CAP, ...declared),
  };
}
