import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * What the model folder readers share: the error a folder's problems are reported with, and reading the folder's
 * JSON files so that every message names the folder as the caller wrote it.
 */

export type ModelFolderProblem =
  | 'not-found'
  | 'not-a-model'
  | 'no-config'
  | 'bad-config'
  | 'no-tokenizer'
  | 'no-onnx'
  | 'no-dtype';

/** What is wrong with a model folder, worded for the person who put it there: the message is shown as it is. */
export class ModelFolderError extends Error {
  override readonly name = 'ModelFolderError';
  readonly code: ModelFolderProblem;
  /** The folder, absolute. */
  readonly path: string;
  /** The message without the folder in front, for listings that show the folder in a column of its own. */
  readonly detail: string;

  constructor(code: ModelFolderProblem, path: string, detail: string, label: string = path) {
    super(`${label}: ${detail}`);
    this.code = code;
    this.path = path;
    this.detail = detail;
  }
}

export type Json = Record<string, unknown>;

/** A folder being read, with the label its messages use (the path as the caller wrote it). */
export class FolderReader {
  readonly path: string;
  private readonly label: string;

  constructor(path: string) {
    this.path = resolve(path);
    this.label = path;
  }

  file(name: string): string {
    return join(this.path, name);
  }

  error(code: ModelFolderProblem, detail: string): ModelFolderError {
    return new ModelFolderError(code, this.path, detail, this.label);
  }

  /** A JSON object file of the folder, or undefined when the file is absent; a file that is there must parse. */
  json(name: string): Json | undefined {
    return isFile(this.file(name)) ? this.requiredJson(name) : undefined;
  }

  requiredJson(name: string): Json {
    let text: string;
    try {
      text = readFileSync(this.file(name), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw this.error('no-config', `no ${name}`);
      throw this.error('bad-config', `${name} cannot be read (${code ?? (error as Error).message})`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw this.error('bad-config', `${name} is not valid JSON (${(error as Error).message})`);
    }
    if (!isObject(value)) throw this.error('bad-config', `${name} does not hold a JSON object`);
    return value;
  }
}

export function section(folder: FolderReader, json: Json | undefined, key: string, label = key): Json {
  const value = json?.[key];
  if (!isObject(value)) throw folder.error('bad-config', `genai_config.json has no ${label} section`);
  return value;
}

export function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

export function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
