import type ort from 'onnxruntime-node';
import { CacheOps, type CacheTensors } from './cache-ops.js';
import type { BatchModel, BatchStep } from './decode-scheduler.js';
import type { Provider } from './device.js';
import type { SessionSpec } from './session-spec.js';
import { booleanTensor, cpuData, emptyCache, float16ToFloat32, integerTensor, type Tensor } from './tensors.js';

/**
 * Rows decoding together through a decoder graph: their KV cache (all rows one length, on the GPU when the session
 * keeps it there) and how many left-padding positions each row has at the front of it. A row's real tokens fill
 * the positions after its padding, so its next token goes at position `width - pads[row]`.
 */
export interface OnnxBatch {
  past: CacheTensors;
  pads: number[];
  width: number;
}

/**
 * A decoder graph as the scheduler drives it. Padding is masked out (attention_mask) and each row's positions count
 * from its own first token, so under greedy decoding a row gives the same tokens as it would alone, whichever rows
 * it shares a batch with and whenever it joined.
 */
export class OnnxBatchModel implements BatchModel<OnnxBatch> {
  private readonly logitsRow: Float32Array;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: SessionSpec,
    private readonly ops: CacheOps,
    private readonly padId: number,
    vocabSize: number,
  ) {
    this.logitsRow = new Float32Array(vocabSize);
  }

  /** The model over an open decoder session; its cache helpers open on `provider`, the session's own. */
  static async open(
    session: ort.InferenceSession,
    spec: SessionSpec,
    options: { provider: Provider; padId: number; vocabSize: number },
  ): Promise<OnnxBatchModel> {
    const ops = await CacheOps.open(spec, options.provider);
    return new OnnxBatchModel(session, spec, ops, options.padId, options.vocabSize);
  }

  async prefill(prompts: readonly (readonly number[])[]): Promise<BatchStep<OnnxBatch>> {
    const rows = prompts.length;
    const width = Math.max(...prompts.map((prompt) => prompt.length));
    const pads = prompts.map((prompt) => width - prompt.length);
    const ids: number[] = [];
    const positions: number[] = [];
    prompts.forEach((prompt, row) => {
      const pad = pads[row]!;
      for (let i = 0; i < width; i++) {
        ids.push(i < pad ? this.padId : prompt[i - pad]!);
        // Pads get position 1 as in transformers; they are masked out, so the value only has to be valid.
        positions.push(i < pad ? 1 : i - pad);
      }
    });
    const past: CacheTensors = {};
    for (const layer of this.spec.layers) {
      past[layer.pastKey] = emptyCache(this.spec.cacheType, rows, this.spec.kvHeads, this.spec.headDim);
      past[layer.pastValue] = emptyCache(this.spec.cacheType, rows, this.spec.kvHeads, this.spec.headDim);
    }
    return this.run({ past, pads, width: 0 }, ids, width, positions);
  }

  async step(batch: OnnxBatch, tokens: readonly number[]): Promise<BatchStep<OnnxBatch>> {
    const positions = batch.pads.map((pad) => batch.width - pad);
    return this.run(batch, tokens, 1, positions);
  }

  async merge(first: OnnxBatch, second: OnnxBatch): Promise<OnnxBatch> {
    const width = Math.max(first.width, second.width);
    const [padFirst, padSecond] = [width - first.width, width - second.width];
    const past = await this.ops.merge(first.past, padFirst, second.past, padSecond);
    this.release(first);
    this.release(second);
    return {
      past,
      pads: [...first.pads.map((pad) => pad + padFirst), ...second.pads.map((pad) => pad + padSecond)],
      width,
    };
  }

  async keep(batch: OnnxBatch, rows: readonly number[]): Promise<OnnxBatch> {
    // Positions every kept row has as padding are cut away: the cache stays as long as its longest row.
    const trim = Math.min(...rows.map((row) => batch.pads[row]!));
    if (trim === 0 && rows.length === batch.pads.length && rows.every((row, index) => row === index)) return batch;
    const past = await this.ops.select(batch.past, rows, trim, batch.width);
    this.release(batch);
    return { past, pads: rows.map((row) => batch.pads[row]! - trim), width: batch.width - trim };
  }

  /** Frees GPU buffers of a cache no longer needed (a no-op for CPU tensors). */
  release(batch: OnnxBatch): void {
    for (const tensor of Object.values(batch.past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
  }

  async close(): Promise<void> {
    await this.ops.release();
  }

  /** Runs `length` new tokens per row after the batch's cache; the rows' masks cover their padding. */
  private async run(
    batch: OnnxBatch,
    ids: readonly number[],
    length: number,
    positions: readonly number[],
  ): Promise<BatchStep<OnnxBatch>> {
    const rows = batch.pads.length;
    const total = batch.width + length;
    const spec = this.spec;
    const feeds: Record<string, Tensor> = {
      ...batch.past,
      [spec.inputIds.name]: integerTensor(spec.inputIds.type, ids, [rows, length]),
    };
    if (spec.attentionMask) {
      const mask: number[] = [];
      for (const pad of batch.pads) for (let i = 0; i < total; i++) mask.push(i < pad ? 0 : 1);
      feeds[spec.attentionMask.name] = integerTensor(spec.attentionMask.type, mask, [rows, total]);
    }
    if (spec.positionIds)
      feeds[spec.positionIds.name] = integerTensor(spec.positionIds.type, positions, [rows, length]);
    if (spec.logitsToKeep) feeds[spec.logitsToKeep.name] = integerTensor(spec.logitsToKeep.type, [1], []);
    if (spec.useCacheBranch) feeds[spec.useCacheBranch] = booleanTensor(batch.width > 0);
    const outputs = await this.session.run(feeds);
    this.release(batch);
    const past: CacheTensors = {};
    for (const layer of spec.layers) {
      past[layer.pastKey] = outputs[layer.presentKey] as Tensor;
      past[layer.pastValue] = outputs[layer.presentValue] as Tensor;
    }
    const logits = outputs[spec.logits.name] as Tensor;
    return { batch: { past, pads: batch.pads, width: total }, logits: (row) => this.lastLogits(logits, row) };
  }

  private lastLogits(logits: Tensor, row: number): Float32Array {
    const data = cpuData(logits);
    const vocab = this.logitsRow.length;
    const positions = logits.dims[1]!;
    const offset = (row * positions + positions - 1) * vocab;
    return data instanceof Uint16Array
      ? float16ToFloat32(data, offset, vocab, this.logitsRow)
      : (data as Float32Array).subarray(offset, offset + vocab);
  }
}
