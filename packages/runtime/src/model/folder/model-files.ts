import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  type FolderReader,
  isDirectory,
  isFile,
  isObject,
  type Json,
  type ModelFolderError,
  section,
} from './folder-reader.js';

/**
 * Which layout a model folder has and which of its graph files to load: the graph decides the precision the model
 * runs at and how many bytes it weighs, so the choice is made before any config number is read.
 */

export type ModelLayout = 'optimum' | 'genai';
export type ModelDevice = 'cpu' | 'webgpu' | 'cuda';

export interface InspectModelOptions {
  /** Picks the graph by dtype (`q8` or a file suffix such as `int8`); without it the device's preference applies. */
  dtype?: string;
  /** Whose preference picks the dtype; `cpu` when not given. */
  device?: ModelDevice;
}

export interface ChosenGraph {
  path: string;
  dtype: string;
  dtypes: string[];
  sizeBytes: number;
}

/**
 * The layout of a folder, or undefined when it has neither; cheap, nothing is parsed. `isModelFolder` and
 * `detectLayout` both answer from here so that they cannot disagree about a folder.
 */
export function findLayout(path: string): ModelLayout | undefined {
  // A folder with both is read as Optimum: its onnx/ graphs come in several dtypes to choose from.
  if (isFile(join(path, 'config.json')) && isDirectory(join(path, 'onnx'))) return 'optimum';
  if (isFile(join(path, 'genai_config.json'))) return 'genai';
  return undefined;
}

/** The folder's layout, or an error that says what the folder lacks. */
export function detectLayout(folder: FolderReader): ModelLayout {
  const layout = findLayout(folder.path);
  if (layout !== undefined) return layout;
  if (isFile(folder.file('config.json')))
    throw folder.error(
      'no-onnx',
      'no onnx/ folder (an Optimum or transformers.js model keeps its graphs in onnx/model*.onnx; ' +
        'PyTorch or safetensors weights must be exported to ONNX first)',
    );
  if (isDirectory(folder.file('onnx')))
    throw folder.error('no-config', 'no config.json (a model folder needs the config.json its onnx/ graphs came with)');
  if (listFiles(folder.path).some((name) => name.endsWith('.onnx')))
    throw folder.error(
      'no-config',
      'no genai_config.json or config.json next to the .onnx file (a model folder needs the config it was exported with)',
    );
  throw folder.error(
    'not-a-model',
    'not a model folder (expected config.json with an onnx/ folder, or genai_config.json)',
  );
}

/** The dtype each Optimum file suffix holds; transformers.js names 8-bit graphs three ways. */
const OPTIMUM_DTYPES: Record<string, string> = {
  '': 'fp32',
  fp32: 'fp32',
  fp16: 'fp16',
  quantized: 'q8',
  int8: 'q8',
  uint8: 'q8',
  q8: 'q8',
  q4: 'q4',
  q4f16: 'q4f16',
  bnb4: 'bnb4',
};
/** How dtypes are listed; suffixes outside it follow in alphabetical order. */
const DTYPE_ORDER = ['fp32', 'fp16', 'q8', 'q4', 'q4f16', 'bnb4'];
const DEVICE_PREFERENCE: Record<ModelDevice, string[]> = {
  cpu: ['fp32', 'q8', 'q4', 'fp16'],
  webgpu: ['fp16', 'q4f16', 'fp32', 'q4', 'q8'],
  cuda: ['fp16', 'q4f16', 'fp32', 'q4', 'q8'],
};
/** `decoder_model_merged*` is what older exports call the single decoder graph; `model*` wins when both exist. */
const OPTIMUM_GRAPH = /^(model|decoder_model_merged)(?:_(\w+))?\.onnx$/;
const Q8_SUFFIX_ORDER = ['quantized', 'int8', 'uint8'];

interface GraphCandidate {
  file: string;
  suffix: string;
  dtype: string;
  rank: number;
}

export function optimumGraph(folder: FolderReader, options: InspectModelOptions): ChosenGraph {
  const onnxFolder = folder.file('onnx');
  const files = listFiles(onnxFolder);
  const candidates: GraphCandidate[] = [];
  for (const file of files) {
    const match = OPTIMUM_GRAPH.exec(file);
    if (!match) continue;
    const suffix = (match[2] ?? '').toLowerCase();
    const rank = (match[1] === 'model' ? 0 : 10) + Math.max(0, Q8_SUFFIX_ORDER.indexOf(suffix));
    candidates.push({ file, suffix, dtype: OPTIMUM_DTYPES[suffix] ?? suffix, rank });
  }
  if (candidates.length === 0)
    throw folder.error(
      'no-onnx',
      'no model graph in onnx/ (expected onnx/model.onnx or onnx/model_<dtype>.onnx, such as model_fp16.onnx or model_q4.onnx)',
    );
  candidates.sort((a, b) => a.rank - b.rank);
  const dtypes = sortDtypes(new Set(candidates.map((candidate) => candidate.dtype)));
  const chosen = chooseCandidate(folder, candidates, dtypes, options);
  const path = join(onnxFolder, chosen.file);
  return {
    path,
    dtype: chosen.dtype,
    dtypes,
    sizeBytes: sumSizes([path, ...externalDataFiles(onnxFolder, chosen.file, files)]),
  };
}

function chooseCandidate(
  folder: FolderReader,
  candidates: GraphCandidate[],
  dtypes: string[],
  options: InspectModelOptions,
): GraphCandidate {
  if (options.dtype !== undefined) {
    const wanted = options.dtype.toLowerCase();
    const found =
      candidates.find((candidate) => candidate.dtype === wanted) ??
      candidates.find((candidate) => candidate.suffix === wanted);
    if (!found) throw noDtype(folder, options.dtype, dtypes);
    return found;
  }
  const preference = DEVICE_PREFERENCE[options.device ?? 'cpu'];
  const dtype = [...preference, ...dtypes].find((name) => dtypes.includes(name))!;
  return candidates.find((candidate) => candidate.dtype === dtype)!;
}

function noDtype(folder: FolderReader, wanted: string, dtypes: readonly string[]): ModelFolderError {
  return folder.error('no-dtype', `no ${wanted} graph (this folder offers ${dtypes.join(', ')})`);
}

function sortDtypes(dtypes: Set<string>): string[] {
  const known = DTYPE_ORDER.filter((dtype) => dtypes.has(dtype));
  const others = [...dtypes].filter((dtype) => !DTYPE_ORDER.includes(dtype)).sort();
  return [...known, ...others];
}

/**
 * Files next to a graph that hold its weights: `<graph>_data` (and the `_data_1`, `_data_2` chunks of very large
 * exports) or `<graph>.data`. The graph names its data files inside the protobuf; these are the names exporters use.
 */
function externalDataFiles(directory: string, graphFile: string, files: readonly string[]): string[] {
  const chunk = new RegExp(`^${escapeRegExp(graphFile)}_data_\\d+$`);
  return files
    .filter((file) => file === `${graphFile}_data` || file === `${graphFile}.data` || chunk.test(file))
    .map((file) => join(directory, file));
}

export function genaiGraph(folder: FolderReader, model: Json, options: InspectModelOptions): ChosenGraph {
  const decoder = section(folder, model, 'decoder', 'model.decoder');
  const filename = typeof decoder.filename === 'string' ? decoder.filename : 'model.onnx';
  const path = resolve(folder.path, filename);
  if (!isInside(folder.path, path) || !isFile(path))
    throw folder.error('no-onnx', `no ${filename} (the decoder graph genai_config.json names)`);
  // genai_config.json does not record the precision, and reading it from the folder's name would be a guess.
  const dtype = 'unknown';
  if (options.dtype !== undefined && options.dtype.toLowerCase() !== dtype)
    throw folder.error(
      'no-dtype',
      `no ${options.dtype} graph (an onnxruntime-genai folder holds one graph, of a precision its config does not ` +
        'name; leave the dtype unset)',
    );
  const files = new Set([path]);
  for (const name of namedFiles(model)) {
    const named = resolve(folder.path, name);
    if (isInside(folder.path, named) && isFile(named)) files.add(named);
  }
  for (const graph of [...files].filter((file) => file.endsWith('.onnx'))) {
    const directory = dirname(graph);
    for (const data of externalDataFiles(directory, basename(graph), listFiles(directory))) files.add(data);
  }
  return { path, dtype, dtypes: [dtype], sizeBytes: sumSizes([...files]) };
}

/** Every string in genai_config.json's model section that names a graph or weights file (vision, embedding...). */
function namedFiles(value: unknown): string[] {
  if (typeof value === 'string') return /\.(onnx|onnx_data|data)$/.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(namedFiles);
  if (isObject(value)) return Object.values(value).flatMap(namedFiles);
  return [];
}

function sumSizes(paths: readonly string[]): number {
  return paths.reduce((total, path) => total + statSync(path).size, 0);
}

function listFiles(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}

function isInside(directory: string, path: string): boolean {
  const rel = relative(directory, path);
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
