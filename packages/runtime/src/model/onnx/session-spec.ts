import type { InferenceSession } from 'onnxruntime-node';
import type { ModelArchitecture } from '../folder/model-folder.js';
import { ModelLoadError } from './model-load-error.js';

export type IntegerType = 'int64' | 'int32';
export type CacheType = 'float32' | 'float16';

export interface CacheLayer {
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
}

/**
 * What the engine feeds a decoder graph and reads back, taken from the session's own metadata (not guessed from
 * the model type): input names and integer types, which optional inputs exist, and the KV cache layout.
 */
export interface SessionSpec {
  inputIds: { name: string; type: IntegerType };
  attentionMask: { name: string; type: IntegerType } | undefined;
  positionIds: { name: string; type: IntegerType } | undefined;
  /** `num_logits_to_keep` / `logits_to_keep`: ask for the last position's logits only. */
  logitsToKeep: { name: string; type: IntegerType } | undefined;
  /** Older Optimum "merged" decoders switch between their prefill and decode branches with this flag. */
  useCacheBranch: string | undefined;
  /** `vocab`: the logits' last dimension where the graph declares it (it wins over config.json's vocab_size). */
  logits: { name: string; type: CacheType; vocab: number | undefined };
  layers: CacheLayer[];
  cacheType: CacheType;
  kvHeads: number;
  headDim: number;
  /**
   * Where a batch's shorter rows are padded (graph-nodes.ts paddingSide): 'left', their tokens end where the
   * longest row's do; 'right', their tokens start at the first position of the cache, as GroupQueryAttention
   * graphs built by onnxruntime-genai expect.
   */
  padding: PaddingSide;
  /**
   * The graph's attention is com.microsoft GroupQueryAttention, whose ONNX Runtime 1.30 CPU kernel takes several
   * new tokens on top of a cache for one row only ("batch_size must be 1 when sequence_length > 1 and past context
   * is given"): such a graph's prompts are prefilled from an empty cache.
   */
  groupQueryAttention: boolean;
}

/** What the engine reads from a graph's nodes (graph-nodes.ts graphTraits). */
export type GraphTraits = Pick<SessionSpec, 'padding' | 'groupQueryAttention'>;

export type PaddingSide = 'left' | 'right';

type Metadata = InferenceSession.ValueMetadata;

const PAST_PATTERNS = [
  /^past_key_values\.(\d+)\.(key|value)$/,
  /^past_(key|value)_(\d+)$/,
  /^past\.(\d+)\.(key|value)$/,
];
const PRESENT_PATTERNS = [
  /^present\.(\d+)\.(key|value)$/,
  /^present_key_values\.(\d+)\.(key|value)$/,
  /^present_(key|value)_(\d+)$/,
];

/** Whether an output is a KV cache tensor (`present.N.key`, ...): what stays on the GPU between steps. */
export function isCacheOutput(name: string): boolean {
  return cacheName(name, PRESENT_PATTERNS) !== undefined;
}

/** Layer number and key/value of a cache tensor name, or undefined. */
function cacheName(name: string, patterns: readonly RegExp[]): { layer: number; kind: 'key' | 'value' } | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(name);
    if (!match) continue;
    const [a, b] = [match[1]!, match[2]!];
    return /^\d+$/.test(a)
      ? { layer: Number(a), kind: b as 'key' | 'value' }
      : { layer: Number(b), kind: a as 'key' | 'value' };
  }
  return undefined;
}

function tensorMetadata(list: readonly Metadata[], name: string): (Metadata & { isTensor: true }) | undefined {
  const found = list.find((item) => item.name === name);
  return found?.isTensor ? found : undefined;
}

function integerInput(inputs: readonly Metadata[], names: readonly string[]) {
  for (const name of names) {
    const found = tensorMetadata(inputs, name);
    if (!found) continue;
    if (found.type !== 'int64' && found.type !== 'int32') {
      throw new ModelLoadError('unsupported-graph', `input "${name}" is ${found.type}; expected int64 or int32`);
    }
    return { name, type: found.type as IntegerType };
  }
  return undefined;
}

/**
 * Reads the decoder's interface from the session and checks it against the folder's config: a graph whose cache
 * does not match (another layer count, KV heads or head size) would produce garbage, so it is refused by name.
 */
export function readSessionSpec(
  session: Pick<InferenceSession, 'inputMetadata' | 'outputMetadata'>,
  architecture: ModelArchitecture,
  traits: GraphTraits = { padding: 'left', groupQueryAttention: false },
): SessionSpec {
  const inputs = session.inputMetadata;
  const outputs = session.outputMetadata;
  const inputIds = integerInput(inputs, ['input_ids']);
  if (!inputIds) {
    const names = inputs.map((input) => input.name).join(', ');
    throw new ModelLoadError(
      'unsupported-graph',
      `the graph has no input_ids input (inputs: ${names}); it is not a decoder language model`,
    );
  }
  const logits = tensorMetadata(outputs, 'logits');
  if (!logits) throw new ModelLoadError('unsupported-graph', 'the graph has no logits output');
  if (logits.type !== 'float32' && logits.type !== 'float16') {
    throw new ModelLoadError('unsupported-graph', `logits are ${logits.type}; expected float32 or float16`);
  }

  const layers = pairCacheTensors(inputs, outputs);
  if (layers.length !== architecture.numLayers) {
    throw new ModelLoadError(
      'kv-mismatch',
      `the graph has KV cache inputs for ${layers.length} layers but the config says num_hidden_layers = ${architecture.numLayers}`,
    );
  }
  const first = tensorMetadata(inputs, layers[0]!.pastKey)!;
  if (first.type !== 'float32' && first.type !== 'float16') {
    throw new ModelLoadError('unsupported-graph', `the KV cache is ${first.type}; expected float32 or float16`);
  }
  const [, heads, , headDim] = first.shape;
  const kvHeads = typeof heads === 'number' ? heads : architecture.numKvHeads;
  const dim = typeof headDim === 'number' ? headDim : architecture.headDim;
  if (first.shape.length !== 4) {
    throw new ModelLoadError(
      'kv-mismatch',
      `${first.name} has shape [${first.shape.join(', ')}]; expected [batch, kv heads, past length, head size]`,
    );
  }
  if (kvHeads !== architecture.numKvHeads || dim !== architecture.headDim) {
    throw new ModelLoadError(
      'kv-mismatch',
      `${first.name} has ${kvHeads} KV heads of size ${dim} but the config says ${architecture.numKvHeads} KV heads of size ${architecture.headDim}`,
    );
  }
  return {
    inputIds,
    attentionMask: integerInput(inputs, ['attention_mask']),
    positionIds: integerInput(inputs, ['position_ids']),
    logitsToKeep: integerInput(inputs, ['num_logits_to_keep', 'logits_to_keep']),
    useCacheBranch: tensorMetadata(inputs, 'use_cache_branch')?.name,
    logits: { name: logits.name, type: logits.type, vocab: declaredVocab(logits.shape) },
    layers,
    cacheType: first.type,
    kvHeads,
    headDim: dim,
    ...traits,
  };
}

function pairCacheTensors(inputs: readonly Metadata[], outputs: readonly Metadata[]): CacheLayer[] {
  const past = new Map<number, Partial<CacheLayer>>();
  for (const input of inputs) {
    const parsed = cacheName(input.name, PAST_PATTERNS);
    if (!parsed) continue;
    const layer = past.get(parsed.layer) ?? {};
    layer[parsed.kind === 'key' ? 'pastKey' : 'pastValue'] = input.name;
    past.set(parsed.layer, layer);
  }
  for (const output of outputs) {
    const parsed = cacheName(output.name, PRESENT_PATTERNS);
    if (!parsed) continue;
    const layer = past.get(parsed.layer);
    if (layer) layer[parsed.kind === 'key' ? 'presentKey' : 'presentValue'] = output.name;
  }
  if (past.size === 0) {
    throw new ModelLoadError(
      'unsupported-graph',
      'the graph has no KV cache inputs (past_key_values.N.key/value); export it with the cache (e.g. task text-generation-with-past)',
    );
  }
  const layers: CacheLayer[] = [];
  for (let index = 0; index < past.size; index++) {
    const layer = past.get(index);
    const missing = ['pastKey', 'pastValue', 'presentKey', 'presentValue'].filter(
      (key) => !layer?.[key as keyof CacheLayer],
    );
    if (missing.length > 0) {
      throw new ModelLoadError(
        'kv-mismatch',
        `layer ${index} of the KV cache lacks ${missing.join(', ')} (inputs and outputs must come in pairs)`,
      );
    }
    layers.push(layer as CacheLayer);
  }
  return layers;
}

/** The last dimension of a [batch, positions, vocab] shape when it is a number. */
function declaredVocab(shape: readonly (number | string | undefined)[]): number | undefined {
  const last = shape.length === 3 ? shape[2] : undefined;
  return typeof last === 'number' && last > 0 ? last : undefined;
}
