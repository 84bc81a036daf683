import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { generativeArchitecture, readEncoderFiles, readFolderJson } from '../encoder-files.js';

/**
 * A user-supplied ONNX sequence-classification model used as an NLI / cross-encoder groundedness scorer (an exported
 * HHEM, MiniCheck or MNLI cross-encoder): the Optimum layout's `config.json` (with `id2label`), `tokenizer.json`
 * and `model.onnx` or `onnx/model.onnx`.
 */
export interface NliFolder {
  name: string;
  path: string;
  onnxPath: string;
  tokenizerJson: object;
  tokenizerConfig: object;
  /** Labels by output index. */
  labels: string[];
  /**
   * How the logits become the probability that the premise entails the hypothesis: a softmax over the labels, taking
   * `entailmentIndex`, or a sigmoid of the single logit (HHEM-style heads).
   */
  mode: 'softmax' | 'sigmoid';
  entailmentIndex: number;
  /** The longest input the model takes, in tokens (premise, hypothesis and special tokens). */
  maxLength: number;
}

/** A folder that cannot be used as an NLI model, with what is wrong worded for the user. */
export class NliModelError extends Error {
  override name = 'NliModelError';
}

/** Label names that mean "the premise supports the hypothesis", compared lower-case. */
const ENTAILMENT_LABELS = ['entailment', 'entailed', 'entails', 'supported', 'support', 'consistent', 'faithful'];
/** Generic binary heads: the positive class is index 1. */
const POSITIVE_LABELS = ['1', 'label_1', 'true', 'yes'];

/** Reads and checks an NLI model folder; throws NliModelError naming what is missing or wrong. */
export function readNliFolder(folderPath: string): NliFolder {
  const path = resolve(folderPath);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
    throw new NliModelError(
      `${folderPath}: no such folder (an NLI model is a folder with config.json, tokenizer.json and model.onnx)`,
    );
  }
  const config = readFolderJson(
    path,
    'config.json',
    'the config the classifier was exported with',
    (message) => new NliModelError(message),
  );
  const generative = generativeArchitecture(config);
  if (generative) {
    throw new NliModelError(
      `${folderPath} is a text-generation model (${generative}), not an NLI classifier: the nli scorer needs a sequence-classification model (use the llm scorer for a chat model)`,
    );
  }
  const labels = labelsOf(config.id2label);
  if (labels.length === 0) {
    throw new NliModelError(
      `${folderPath}: config.json has no id2label, so this is not a sequence-classification (NLI) model`,
    );
  }
  const { onnxPath, tokenizerJson, tokenizerConfig } = readEncoderFiles(
    path,
    folderPath,
    (message) => new NliModelError(message),
  );
  const { mode, entailmentIndex } = entailmentOf(folderPath, labels);
  const declared = [config.max_position_embeddings, (tokenizerConfig as Record<string, unknown>).model_max_length]
    .map(Number)
    .filter((value) => Number.isInteger(value) && value > 8 && value <= 1_000_000);
  return {
    name: basename(path),
    path,
    onnxPath,
    tokenizerJson,
    tokenizerConfig,
    labels,
    mode,
    entailmentIndex,
    maxLength: Math.min(512, ...declared),
  };
}

function entailmentOf(folderPath: string, labels: string[]): { mode: NliFolder['mode']; entailmentIndex: number } {
  if (labels.length === 1) return { mode: 'sigmoid', entailmentIndex: 0 };
  const lower = labels.map((label) => label.toLowerCase());
  let index = lower.findIndex((label) => ENTAILMENT_LABELS.includes(label));
  if (index < 0 && labels.length === 2) index = lower.findIndex((label) => POSITIVE_LABELS.includes(label));
  if (index < 0) {
    throw new NliModelError(
      `${folderPath}: none of its labels (${labels.join(', ')}) means entailment; expected one named ${ENTAILMENT_LABELS.slice(0, 4).join(', ')} or a binary 0/1 head`,
    );
  }
  return { mode: 'softmax', entailmentIndex: index };
}

/** id2label as a list by index: `{ "0": "contradiction", "1": "entailment" }` → ['contradiction', 'entailment']. */
function labelsOf(id2label: unknown): string[] {
  if (!id2label || typeof id2label !== 'object') return [];
  const entries = Object.entries(id2label as Record<string, unknown>).map(
    ([key, value]) => [Number(key), String(value)] as const,
  );
  if (entries.some(([key]) => !Number.isInteger(key) || key < 0)) return [];
  const labels: string[] = [];
  for (const [key, value] of entries) labels[key] = value;
  return labels.length === entries.length ? labels : [];
}
