import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { type DeviceRequest, describeProviderChoice } from '../onnx/device.js';
import { openSession } from '../onnx/providers.js';
import { type EmbeddingFolder, EmbeddingModelError, readEmbeddingFolder } from './embedding-folder.js';

/** Turns texts into L2-normalised vectors: cosine similarity is their dot product. */
export interface EmbeddingModel {
  name: string;
  folder: string;
  dimensions: number;
  /** The longest input in tokens; longer texts are cut to it. */
  maxTokens: number;
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export interface LoadEmbeddingOptions {
  /** Default cpu: the small encoders this is for take milliseconds a batch. */
  device?: DeviceRequest;
  threads?: number;
  /** Texts per run (default 32). */
  batchSize?: number;
}

const KNOWN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'];

/**
 * Opens an ONNX sentence-embedding model: checks that the graph is an encoder (no KV cache inputs, no logits), and
 * embeds one probe text to learn its width. Throws EmbeddingModelError saying why a folder is not one.
 */
export async function loadEmbeddingModel(
  folderPath: string,
  options: LoadEmbeddingOptions = {},
): Promise<OnnxEmbeddingModel> {
  const folder = readEmbeddingFolder(folderPath);
  const { session, choice } = await openSession(folder.onnxPath, options.device ?? 'cpu', { threads: options.threads });
  try {
    const model = new OnnxEmbeddingModel(folder, session, describeProviderChoice(choice), options.batchSize ?? 32);
    await model.probe();
    return model;
  } catch (error) {
    await session.release();
    throw error;
  }
}

/**
 * An ONNX encoder session with its tokenizer. Texts run in padded batches; the graph's `sentence_embedding` output is
 * used when it has one, else its token output (`last_hidden_state`, or the first) is mean-pooled over the attention
 * mask. Runs on the calling thread (ONNX Runtime's run blocks it), like the NLI classifier.
 */
export class OnnxEmbeddingModel implements EmbeddingModel {
  readonly name: string;
  readonly folder: string;
  readonly maxTokens: number;
  dimensions = 0;
  /** Which execution provider runs it, and why others were passed over. */
  readonly provider: string;
  private readonly tokenizer: Tokenizer;
  private readonly padId: number;
  /** Special tokens the tokenizer puts after the text ([SEP]): kept when a long text is cut. */
  private readonly suffix: number[];
  private readonly output: string;

  constructor(
    source: EmbeddingFolder,
    private readonly session: ort.InferenceSession,
    provider: string,
    private readonly batchSize: number,
  ) {
    this.name = source.name;
    this.folder = source.path;
    this.maxTokens = source.maxTokens;
    this.provider = provider;
    const inputs = session.inputNames;
    const unknown = inputs.filter((name) => !KNOWN_INPUTS.includes(name));
    if (unknown.some((name) => name.startsWith('past_key_values')) || session.outputNames.includes('logits')) {
      throw new EmbeddingModelError(
        `${source.path}: the graph is a text-generation decoder (it takes past_key_values or gives logits), not a sentence-embedding encoder`,
      );
    }
    if (!inputs.includes('input_ids') || unknown.length > 0) {
      throw new EmbeddingModelError(
        `${source.path}: the graph's inputs (${inputs.join(', ')}) are not an encoder's (input_ids, attention_mask, token_type_ids)`,
      );
    }
    const outputs = session.outputNames;
    this.output = ['sentence_embedding', 'last_hidden_state'].find((name) => outputs.includes(name)) ?? outputs[0]!;
    try {
      this.tokenizer = new Tokenizer(source.tokenizerJson, source.tokenizerConfig);
    } catch (error) {
      throw new EmbeddingModelError(
        `${source.path}/tokenizer.json: unsupported or invalid tokenizer (${(error as Error).message})`,
      );
    }
    const withSpecials: number[] = this.tokenizer.encode('a', { add_special_tokens: true }).ids;
    const plain: number[] = this.tokenizer.encode('a', { add_special_tokens: false }).ids;
    const at = withSpecials.findIndex((_, index) => plain.every((id, offset) => withSpecials[index + offset] === id));
    this.suffix = at < 0 ? [] : withSpecials.slice(at + plain.length);
    const pad = source.tokenizerConfig.pad_token;
    const padText = typeof pad === 'string' ? pad : ((pad as { content?: string } | undefined)?.content ?? '[PAD]');
    this.padId = this.tokenizer.token_to_id(padText) ?? 0;
  }

  /** Embeds one text to learn the width and to check the output's shape now rather than at the first search. */
  async probe(): Promise<void> {
    const [vector] = await this.runBatch(['probe']);
    this.dimensions = vector!.length;
  }

  /** Token ids of a text as the model sees it: special tokens added, cut to maxTokens keeping the closing ones. */
  tokenize(text: string): number[] {
    const ids = this.tokenizer.encode(text, { add_special_tokens: true }).ids;
    if (ids.length <= this.maxTokens) return ids;
    const keep = Math.max(1, this.maxTokens - this.suffix.length);
    return [...ids.slice(0, keep), ...this.suffix].slice(0, this.maxTokens);
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      signal?.throwIfAborted();
      vectors.push(...(await this.runBatch(texts.slice(start, start + this.batchSize))));
    }
    return vectors;
  }

  private async runBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const encoded = texts.map((text) => this.tokenize(text));
    const width = Math.max(1, ...encoded.map((ids) => ids.length));
    const ids = new BigInt64Array(texts.length * width).fill(BigInt(this.padId));
    const mask = new BigInt64Array(texts.length * width);
    encoded.forEach((row, index) => {
      row.forEach((id, column) => {
        ids[index * width + column] = BigInt(id);
        mask[index * width + column] = 1n;
      });
    });
    const dims = [texts.length, width];
    const all: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(texts.length * width), dims),
    };
    const feeds = Object.fromEntries(this.session.inputNames.map((name) => [name, all[name]!]));
    const result = (await this.session.run(feeds))[this.output]!;
    const shape = result.dims.map(Number);
    const data = result.data as Float32Array;
    if (result.type !== 'float32' || shape[0] !== texts.length || (shape.length !== 2 && shape.length !== 3)) {
      throw new EmbeddingModelError(
        `${this.folder}: the graph's output "${this.output}" is ${result.type} [${shape.join(', ')}], not float32 [batch, dimensions] or [batch, tokens, dimensions]`,
      );
    }
    return encoded.map((row, index) => {
      if (shape.length === 2) {
        const size = shape[1]!;
        return normalise(data.slice(index * size, (index + 1) * size));
      }
      return normalise(meanPool(data, index, shape[1]!, shape[2]!, row.length));
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** The mean of a row's first `length` token vectors: the attention mask's ones (padding is always at the end). */
function meanPool(data: Float32Array, row: number, tokens: number, size: number, length: number): Float32Array {
  const sum = new Float32Array(size);
  for (let token = 0; token < length; token++) {
    const offset = (row * tokens + token) * size;
    for (let d = 0; d < size; d++) sum[d]! += data[offset + d]!;
  }
  for (let d = 0; d < size; d++) sum[d]! /= Math.max(1, length);
  return sum;
}

/** Scales to unit length; a zero vector stays zero. */
function normalise(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const norm = Math.sqrt(squares);
  if (norm > 0) for (let d = 0; d < vector.length; d++) vector[d]! /= norm;
  return vector;
}
