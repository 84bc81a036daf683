import { readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, isAbsolute, join, resolve } from 'node:path';
import {
  type InspectModelOptions,
  inspectModelFolder,
  isModelFolder,
  type ModelFolder,
  ModelFolderError,
  type ModelLayout,
} from './model-folder.js';

/**
 * The models a user has: folders under ./models and GROUNDWORK_MODELS_PATH, listed for `groundwork models list`
 * and the editor, and found by name for flows (`model: tiny`).
 */

export interface ModelSummary {
  name: string;
  path: string;
  layout?: ModelLayout;
  dtype?: string;
  dtypes?: string[];
  sizeBytes?: number;
  contextLength?: number;
  hasChatTemplate?: boolean;
  /** Why the folder cannot be used, worded for the user; the other fields are then mostly absent. */
  problem?: string;
}

export interface SearchPathOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export const MODELS_PATH_VARIABLE = 'GROUNDWORK_MODELS_PATH';

/**
 * `./models` (relative to cwd) and every folder in GROUNDWORK_MODELS_PATH, absolute, without duplicates, whether
 * or not they exist: what a "no models found" message names.
 */
export function configuredModelPaths(options: SearchPathOptions = {}): string[] {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  // The platform's list separator: `:` as PATH uses it, `;` on Windows where `:` follows drive letters.
  const listed = (env[MODELS_PATH_VARIABLE] ?? '').split(delimiter).filter((entry) => entry.trim() !== '');
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const entry of [join(cwd, 'models'), ...listed]) {
    const path = resolve(cwd, entry);
    const key = canonical(path);
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push(path);
  }
  return paths;
}

/** `./models` (relative to cwd) plus every folder in GROUNDWORK_MODELS_PATH, without duplicates, in that order; folders that do not exist are skipped. */
export function modelSearchPaths(options: SearchPathOptions = {}): string[] {
  return configuredModelPaths(options).filter(isDirectory);
}

/**
 * Each search path's immediate sub-folders that look like model folders (and a search path that is itself a model
 * folder); unusable ones are listed with their problem. Sorted by name; a name in several search paths is listed
 * once per folder, in search-path order.
 */
export function listModels(searchPaths: readonly string[]): ModelSummary[] {
  const summaries = modelFolders(searchPaths).map(summarize);
  const order = (name: string) => name.toLowerCase();
  // Array.prototype.sort is stable, so equal names keep search-path order.
  return summaries.sort((a, b) => (order(a.name) < order(b.name) ? -1 : order(a.name) > order(b.name) ? 1 : 0));
}

export interface FindModelOptions extends InspectModelOptions {
  /** What a relative path is relative to; process.cwd() when not given. */
  cwd?: string;
}

/**
 * A model by name (a folder name found in the search paths, the first path first) or by path (absolute or relative
 * to cwd); throws ModelFolderError 'not-found' listing the names available, or the folder's own problem.
 */
export function findModel(
  nameOrPath: string,
  searchPaths: readonly string[],
  options: FindModelOptions = {},
): ModelFolder {
  const { cwd = process.cwd(), ...inspect } = options;
  if (!looksLikePath(nameOrPath)) {
    const byName = folderNamed(nameOrPath, searchPaths);
    if (byName) return inspectModelFolder(byName, inspect);
  }
  const path = resolve(cwd, nameOrPath);
  if (!isDirectory(path)) throw notFound(nameOrPath, path, searchPaths);
  try {
    return inspectModelFolder(path, inspect);
  } catch (error) {
    // Problems name the folder the way the user wrote it.
    if (error instanceof ModelFolderError) throw new ModelFolderError(error.code, error.path, error.detail, nameOrPath);
    throw error;
  }
}

function notFound(nameOrPath: string, path: string, searchPaths: readonly string[]): ModelFolderError {
  const names = [...new Set(listModels(searchPaths).map((model) => model.name))];
  const available = names.length > 0 ? `models available: ${names.join(', ')}` : 'no models there yet';
  const where =
    searchPaths.length > 0
      ? `searched ${searchPaths.join(', ')}; ${available}`
      : `no models folder to search: create ./models or set ${MODELS_PATH_VARIABLE}`;
  const what = looksLikePath(nameOrPath) ? 'no such folder' : `no model named "${nameOrPath}" and no such folder`;
  return new ModelFolderError('not-found', path, `${what} (${where})`, nameOrPath);
}

/**
 * The first folder of that name, as listModels would list it: a search path that is itself a model folder goes by
 * its own name; otherwise its sub-folder of that name, model-like or not, so that its problem is what gets reported.
 */
function folderNamed(name: string, searchPaths: readonly string[]): string | undefined {
  for (const searchPath of searchPaths) {
    if (looksLikeModelFolder(searchPath)) {
      if (basename(searchPath) === name) return searchPath;
      continue;
    }
    const path = join(searchPath, name);
    if (!name.startsWith('.') && isDirectory(path)) return path;
  }
  return undefined;
}

/** Paths name folders; bare names are looked up in the search paths first. */
function looksLikePath(nameOrPath: string): boolean {
  return isAbsolute(nameOrPath) || /[/\\]/.test(nameOrPath) || nameOrPath === '.' || nameOrPath === '..';
}

/** The folders the search paths offer as models, search path by search path, each once. */
function modelFolders(searchPaths: readonly string[]): string[] {
  const folders: string[] = [];
  const seen = new Set<string>();
  const add = (path: string) => {
    const key = canonical(path);
    if (seen.has(key)) return;
    seen.add(key);
    folders.push(path);
  };
  for (const searchPath of searchPaths) {
    if (looksLikeModelFolder(searchPath)) {
      add(searchPath);
      continue;
    }
    for (const entry of subfolders(searchPath)) if (looksLikeModelFolder(entry)) add(entry);
  }
  return folders;
}

/**
 * Broader than isModelFolder so that a half-copied or PyTorch-only download is listed with what it lacks instead of
 * silently missing; other folders (a cache, notes) are left out.
 */
function looksLikeModelFolder(path: string): boolean {
  if (isModelFolder(path)) return true;
  let names: string[];
  try {
    names = readdirSync(path);
  } catch {
    return false;
  }
  return names.some(
    (name) => name === 'config.json' || name === 'onnx' || name === 'tokenizer.json' || name.endsWith('.onnx'),
  );
}

function subfolders(searchPath: string): string[] {
  let names: string[];
  try {
    names = readdirSync(searchPath);
  } catch {
    return [];
  }
  // Hidden folders are tool state (.cache, .git), never models; symbolic links to folders count.
  return names
    .filter((name) => !name.startsWith('.'))
    .map((name) => join(searchPath, name))
    .filter(isDirectory);
}

function summarize(path: string): ModelSummary {
  try {
    const folder = inspectModelFolder(path);
    return {
      name: folder.name,
      path: folder.path,
      layout: folder.layout,
      dtype: folder.dtype,
      dtypes: folder.dtypes,
      sizeBytes: folder.sizeBytes,
      contextLength: folder.architecture.contextLength,
      hasChatTemplate: folder.chatTemplate !== undefined,
    };
  } catch (error) {
    // One unreadable folder (permissions, a file vanishing mid-listing) must not hide the others.
    const problem =
      error instanceof ModelFolderError ? error.detail : `cannot be read (${(error as Error)?.message ?? error})`;
    return { name: basename(path), path, problem };
  }
}

function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
