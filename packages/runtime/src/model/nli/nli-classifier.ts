import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { type DeviceRequest, describeProviderChoice } from '../onnx/device.js';
import { openSession } from '../onnx/providers.js';
import { type NliFolder, NliModelError } from './nli-folder.js';

export interface PremiseHypothesis {
  premise: string;
  hypothesis: string;
}

/** What the NLI scorer needs from a model: token counts to size context windows, and entailment probabilities. */
export interface PairClassifier {
  /** The longest input, in tokens, special tokens included. */
  readonly maxLength: number;
  /** Special tokens a pair adds ([CLS] premise [SEP] hypothesis [SEP]: 3). */
  readonly pairOverhead: number;
  countTokens(text: string): number;
  /** The probability that each premise entails its hypothesis, in order. */
  entailment(pairs: readonly PremiseHypothesis[], signal?: AbortSignal): Promise<number[]>;
  close(): Promise<void>;
}

const KNOWN_INPUTS = ['input_ids', 'attention_mask', 'token_type_ids'];

/**
 * An ONNX sequence-classification session with its tokenizer. Pairs run in padded batches; the graph gets only the
 * inputs it declares. Runs on the calling thread (ONNX Runtime's run blocks it): the small cross-encoders this is for
 * take milliseconds a batch.
 */
export class OnnxPairClassifier implements PairClassifier {
  readonly maxLength: number;
  readonly pairOverhead: number;
  /** Which execution provider runs it, and why others were passed over. */
  readonly provider: string;
  private readonly tokenizer: Tokenizer;
  private readonly padId: number;

  static async open(folder: NliFolder, device: DeviceRequest = 'cpu', batchSize = 8): Promise<OnnxPairClassifier> {
    const { session, choice } = await openSession(folder.onnxPath, device);
    try {
      return new OnnxPairClassifier(folder, session, describeProviderChoice(choice), batchSize);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  private constructor(
    private readonly folder: NliFolder,
    private readonly session: ort.InferenceSession,
    provider: string,
    private readonly batchSize: number,
  ) {
    this.provider = provider;
    const unknown = session.inputNames.filter((name) => !KNOWN_INPUTS.includes(name));
    if (!session.inputNames.includes('input_ids') || unknown.length > 0) {
      const cache = unknown.some((name) => name.startsWith('past_key_values'));
      throw new NliModelError(
        cache
          ? `${folder.path}: the graph is a text-generation decoder (it takes past_key_values), not a classifier`
          : `${folder.path}: the graph's inputs (${session.inputNames.join(', ')}) are not a sequence classifier's (input_ids, attention_mask, token_type_ids)`,
      );
    }
    try {
      this.tokenizer = new Tokenizer(folder.tokenizerJson, folder.tokenizerConfig);
    } catch (error) {
      throw new NliModelError(
        `${folder.path}/tokenizer.json: unsupported or invalid tokenizer (${(error as Error).message})`,
      );
    }
    this.maxLength = folder.maxLength;
    const pair = this.tokenizer.encode('a', { text_pair: 'b', add_special_tokens: true }).ids.length;
    this.pairOverhead = Math.max(0, pair - this.countTokens('a') - this.countTokens('b'));
    const padText = (folder.tokenizerConfig as Record<string, unknown>).pad_token;
    const padToken = typeof padText === 'string' ? padText : '[PAD]';
    this.padId = this.tokenizer.token_to_id(padToken) ?? 0;
  }

  countTokens(text: string): number {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids.length;
  }

  async entailment(pairs: readonly PremiseHypothesis[], signal?: AbortSignal): Promise<number[]> {
    const probabilities: number[] = [];
    for (let start = 0; start < pairs.length; start += this.batchSize) {
      signal?.throwIfAborted();
      probabilities.push(...(await this.runBatch(pairs.slice(start, start + this.batchSize))));
    }
    return probabilities;
  }

  private async runBatch(pairs: readonly PremiseHypothesis[]): Promise<number[]> {
    const encoded = pairs.map((pair) => {
      const encoding = this.tokenizer.encode(pair.premise, {
        text_pair: pair.hypothesis,
        add_special_tokens: true,
        return_token_type_ids: true,
      });
      return fit(encoding.ids, encoding.token_type_ids ?? encoding.ids.map(() => 0), this.maxLength);
    });
    const width = Math.max(...encoded.map((entry) => entry.ids.length));
    const ids = new BigInt64Array(pairs.length * width).fill(BigInt(this.padId));
    const mask = new BigInt64Array(pairs.length * width);
    const types = new BigInt64Array(pairs.length * width);
    encoded.forEach((entry, row) => {
      entry.ids.forEach((id, column) => {
        ids[row * width + column] = BigInt(id);
        mask[row * width + column] = 1n;
        types[row * width + column] = BigInt(entry.types[column] ?? 0);
      });
    });
    const dims = [pairs.length, width];
    const all: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', ids, dims),
      attention_mask: new ort.Tensor('int64', mask, dims),
      token_type_ids: new ort.Tensor('int64', types, dims),
    };
    const feeds = Object.fromEntries(this.session.inputNames.map((name) => [name, all[name]!]));
    const outputs = await this.session.run(feeds);
    const name = this.session.outputNames.includes('logits') ? 'logits' : this.session.outputNames[0]!;
    const logits = outputs[name]!;
    const labels = this.folder.labels.length;
    const perRow = logits.dims.length === 1 ? 1 : Number(logits.dims.at(-1));
    if (logits.dims[0] !== pairs.length || perRow !== labels || logits.dims.length > 2) {
      throw new NliModelError(
        `${this.folder.path}: the graph's output "${name}" has shape [${logits.dims.join(', ')}], not [batch, ${labels}] as config.json's ${labels} label${labels === 1 ? '' : 's'} say`,
      );
    }
    const data = logits.data as Float32Array;
    return pairs.map((_, row) => {
      const values = Array.from(data.subarray(row * labels, (row + 1) * labels));
      return this.folder.mode === 'sigmoid' ? sigmoid(values[0]!) : softmax(values)[this.folder.entailmentIndex]!;
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

/** Cuts an over-long pair to `maxLength`, keeping its last token (the closing separator). */
function fit(ids: number[], types: number[], maxLength: number): { ids: number[]; types: number[] } {
  if (ids.length <= maxLength) return { ids, types };
  return {
    ids: [...ids.slice(0, maxLength - 1), ids.at(-1)!],
    types: [...types.slice(0, maxLength - 1), types.at(-1)!],
  };
}

function softmax(values: number[]): number[] {
  const top = Math.max(...values);
  const exps = values.map((value) => Math.exp(value - top));
  const total = exps.reduce((sum, value) => sum + value, 0);
  return exps.map((value) => value / total);
}

function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}
