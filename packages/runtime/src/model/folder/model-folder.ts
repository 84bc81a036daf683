import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Reading a model folder from disk: which layout it is, which graph file to load, the architecture numbers the
 * engine sizes its KV cache with, the special tokens and the chat template. Nothing here opens an ONNX Runtime
 * session or parses the tokenizer, so listing a directory of large models stays fast. The result is a plain object
 * because it is posted to the inference worker.
 */

export type ModelLayout = 'optimum' | 'genai';
export type ModelDevice = 'cpu' | 'webgpu' | 'cuda';

export interface ModelArchitecture {
  /** config.json `model_type`, or genai_config.json `model.type`. */
  modelType: string;
  numLayers: number;
  numAttentionHeads: number;
  numKvHeads: number;
  /** config `head_dim` (genai `head_size`), else hidden size / attention heads. */
  headDim: number;
  hiddenSize: number;
  vocabSize: number;
  /** `max_position_embeddings`, else genai `context_length`, else tokenizer `model_max_length`. */
  contextLength: number;
}

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

export interface InspectModelOptions {
  /** Picks the graph by dtype (`q8` or a file suffix such as `int8`); without it the device's preference applies. */
  dtype?: string;
  /** Whose preference picks the dtype; `cpu` when not given. */
  device?: ModelDevice;
}

/** Cheap check, no parsing: an Optimum folder (config.json and onnx/) or an onnxruntime-genai one. */
export function isModelFolder(path: string): boolean {
  return (
    (isFile(join(path, 'config.json')) && isDirectory(join(path, 'onnx'))) || isFile(join(path, 'genai_config.json'))
  );
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
  // generation_config.json is what generate() honours, so it is asked first; config.json and genai_config.json
  // fill the gaps, and every end-of-sequence id any of them names stops generation.
  const tokenSources = [generation, config, genai].filter((source) => source !== undefined);
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
    bosTokenId: firstTokenId(tokenSources, 'bos_token_id'),
    eosTokenIds: [...new Set(tokenSources.flatMap((source) => tokenIds(source.eos_token_id)))],
    padTokenId: firstTokenId(tokenSources, 'pad_token_id'),
  };
}

type Json = Record<string, unknown>;

/** A folder being read, with the label its messages use (the path as the caller wrote it). */
class FolderReader {
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

function detectLayout(folder: FolderReader): ModelLayout {
  const hasConfig = isFile(folder.file('config.json'));
  const hasOnnxFolder = isDirectory(folder.file('onnx'));
  // A folder with both is read as Optimum: its onnx/ graphs come in several dtypes to choose from.
  if (hasConfig && hasOnnxFolder) return 'optimum';
  if (isFile(folder.file('genai_config.json'))) return 'genai';
  if (hasConfig)
    throw folder.error(
      'no-onnx',
      'no onnx/ folder (an Optimum or transformers.js model keeps its graphs in onnx/model*.onnx; ' +
        'PyTorch or safetensors weights must be exported to ONNX first)',
    );
  if (hasOnnxFolder)
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

interface ChosenGraph {
  path: string;
  dtype: string;
  dtypes: string[];
  sizeBytes: number;
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

function optimumGraph(folder: FolderReader, options: InspectModelOptions): ChosenGraph {
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

function genaiGraph(folder: FolderReader, model: Json, options: InspectModelOptions): ChosenGraph {
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

/**
 * Some multimodal configs (Gemma 3, Qwen2-VL) keep the language model's numbers in `text_config`, and GPT-2-era
 * configs use shorter names; both are read so such downloads work, while messages use the usual name.
 */
const CONFIG_ALIASES: Record<string, string[]> = {
  num_hidden_layers: ['num_hidden_layers', 'n_layer', 'num_layers'],
  num_attention_heads: ['num_attention_heads', 'n_head', 'num_heads'],
  hidden_size: ['hidden_size', 'n_embd', 'd_model'],
  max_position_embeddings: ['max_position_embeddings', 'n_positions', 'n_ctx', 'seq_length'],
};

function optimumArchitecture(folder: FolderReader, config: Json, modelMaxLength: unknown): ModelArchitecture {
  const fields = isObject(config.text_config) ? { ...config, ...config.text_config } : config;
  const read = (field: string) => configValue(fields, field);
  const numbers = new NumberReader(folder, 'config.json');
  const numLayers = numbers.required('num_hidden_layers', read('num_hidden_layers'));
  const numAttentionHeads = numbers.required('num_attention_heads', read('num_attention_heads'));
  const hiddenSize = numbers.required('hidden_size', read('hidden_size'));
  return {
    modelType: typeof config.model_type === 'string' ? config.model_type : 'unknown',
    numLayers,
    numAttentionHeads,
    // Configs of models without grouped-query attention leave the KV head count out: it equals the head count.
    numKvHeads: numbers.optional('num_key_value_heads', read('num_key_value_heads')) ?? numAttentionHeads,
    headDim: numbers.optional('head_dim', read('head_dim')) ?? numbers.headDim(hiddenSize, numAttentionHeads),
    hiddenSize,
    vocabSize: numbers.required('vocab_size', read('vocab_size')),
    contextLength: numbers.contextLength('max_position_embeddings', read('max_position_embeddings'), modelMaxLength),
  };
}

/** genai_config.json alone: a config.json lying next to it describes the model before the builder rewrote it. */
function genaiArchitecture(folder: FolderReader, model: Json, modelMaxLength: unknown): ModelArchitecture {
  const decoder = section(folder, model, 'decoder', 'model.decoder');
  const numbers = new NumberReader(folder, 'genai_config.json');
  const numLayers = numbers.required('model.decoder.num_hidden_layers', decoder.num_hidden_layers);
  const numAttentionHeads = numbers.required('model.decoder.num_attention_heads', decoder.num_attention_heads);
  const hiddenSize = numbers.required('model.decoder.hidden_size', decoder.hidden_size);
  return {
    modelType: typeof model.type === 'string' ? model.type : 'unknown',
    numLayers,
    numAttentionHeads,
    numKvHeads: numbers.optional('model.decoder.num_key_value_heads', decoder.num_key_value_heads) ?? numAttentionHeads,
    headDim:
      numbers.optional('model.decoder.head_size', decoder.head_size) ?? numbers.headDim(hiddenSize, numAttentionHeads),
    hiddenSize,
    vocabSize: numbers.required('model.vocab_size', model.vocab_size),
    contextLength: numbers.contextLength('model.context_length', model.context_length, modelMaxLength),
  };
}

function configValue(config: Json, field: string): unknown {
  for (const name of CONFIG_ALIASES[field] ?? [field]) {
    const value = config[name];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/** Reads the positive integers of one config file, failing with the field and the file named. */
class NumberReader {
  constructor(
    private readonly folder: FolderReader,
    private readonly file: string,
  ) {}

  required(field: string, value: unknown): number {
    const number = this.optional(field, value);
    if (number === undefined) throw this.folder.error('bad-config', `${this.file} has no ${field}`);
    return number;
  }

  optional(field: string, value: unknown): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (isPositiveInteger(value)) return value;
    throw this.folder.error(
      'bad-config',
      `${this.file}: ${field} must be a positive integer, not ${JSON.stringify(value)}`,
    );
  }

  headDim(hiddenSize: number, heads: number): number {
    if (hiddenSize % heads !== 0)
      throw this.folder.error(
        'bad-config',
        `${this.file}: hidden size ${hiddenSize} is not a multiple of ${heads} attention heads, and no head dimension is given`,
      );
    return hiddenSize / heads;
  }

  /** The config's own limit, else the tokenizer's. */
  contextLength(field: string, value: unknown, modelMaxLength: unknown): number {
    if (value !== undefined) return this.required(field, value);
    // Tokenizers without a limit store a huge placeholder (1e30), which is no context length.
    if (isPositiveInteger(modelMaxLength)) return modelMaxLength;
    throw this.folder.error(
      'bad-config',
      `${this.file} has no ${field} (and tokenizer_config.json no model_max_length) to give the context length`,
    );
  }
}

/** tokenizer_config.json `chat_template`, else chat_template.jinja, else chat_template.json. */
function chatTemplate(folder: FolderReader, tokenizerConfig: Json | undefined): string | undefined {
  const fromConfig = templateValue(tokenizerConfig?.chat_template);
  if (fromConfig !== undefined) return fromConfig;
  let jinja: string | undefined;
  try {
    jinja = readFileSync(folder.file('chat_template.jinja'), 'utf8');
  } catch {
    jinja = undefined;
  }
  if (jinja !== undefined && jinja.trim() !== '') return jinja;
  return templateValue(folder.json('chat_template.json')?.chat_template);
}

/** A template string, or from a list of named templates the one named `default` (what transformers applies). */
function templateValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (!Array.isArray(value)) return undefined;
  const named = value.find((entry) => isObject(entry) && entry.name === 'default');
  return named ? templateValue(named.template) : undefined;
}

function firstTokenId(sources: readonly Json[], field: string): number | undefined {
  for (const source of sources) {
    const [id] = tokenIds(source[field]);
    if (id !== undefined) return id;
  }
  return undefined;
}

function tokenIds(value: unknown): number[] {
  const values = Array.isArray(value) ? value : [value];
  return values.filter((id): id is number => Number.isSafeInteger(id) && (id as number) >= 0);
}

function section(folder: FolderReader, json: Json | undefined, key: string, label = key): Json {
  const value = json?.[key];
  if (!isObject(value)) throw folder.error('bad-config', `genai_config.json has no ${label} section`);
  return value;
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

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isInside(directory: string, path: string): boolean {
  const rel = relative(directory, path);
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
