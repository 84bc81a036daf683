import type ort from 'onnxruntime-node';
import type { SessionSpec } from './session-spec.js';
import { booleanTensor, cpuData, emptyCache, float16ToFloat32, integerTensor, type Tensor } from './tensors.js';

export type RowFinish = 'eos' | 'length' | 'stop' | 'cancelled';

/** One sequence of a batch, and its owner's say in how it goes on. */
export interface DecodeRow {
  promptIds: readonly number[];
  /** Tokens to generate at most (the end-of-sequence token not counted). */
  maxTokens: number;
  eosIds: ReadonlySet<number>;
  /** Picks the next token from this row's logits; `history` is the prompt and what was generated. */
  pick(logits: Float32Array, history: readonly number[]): number;
  /** Takes a generated token (never an end-of-sequence one); returns true when a stop condition ended the row. */
  accept(token: number): boolean;
  cancelled(): boolean;
}

export interface RowOutcome {
  tokens: number[];
  finish: RowFinish;
}

interface RowState {
  row: DecodeRow;
  history: number[];
  tokens: number[];
  finish: RowFinish | undefined;
  /** Position of the row's last token. */
  position: number;
  /** Whether onFinish has been told. */
  reported: boolean;
}

/**
 * Runs a batch of prompts through a decoder graph to the end: one prefill over the left-padded prompts, then one
 * decode step per token with the KV cache fed back (kept on the GPU when the session puts it there). Rows finish
 * independently; a finished row keeps feeding a pad token, which no other row attends to, until all are done.
 *
 * Left padding is masked out and each row's positions count from its own first token, so under greedy decoding a
 * row gives the same tokens as it would alone.
 */
export class BatchDecoder {
  private readonly logitsRow: Float32Array;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: SessionSpec,
    private readonly padId: number,
    private readonly contextLength: number,
    vocabSize: number,
  ) {
    this.logitsRow = new Float32Array(vocabSize);
  }

  /** Runs the rows to the end; `onFinish` hears of each row the moment it ends, not when the whole batch does. */
  async run(
    rows: readonly DecodeRow[],
    onFinish?: (index: number, outcome: RowOutcome) => void,
  ): Promise<RowOutcome[]> {
    const batch = rows.length;
    const width = Math.max(...rows.map((row) => row.promptIds.length));
    const states: RowState[] = rows.map((row) => ({
      row,
      history: [...row.promptIds],
      tokens: [],
      finish: row.maxTokens <= 0 ? 'length' : undefined,
      position: row.promptIds.length - 1,
      reported: false,
    }));
    const ids: number[] = [];
    const mask: number[] = [];
    const positions: number[] = [];
    for (const { row } of states) {
      const pad = width - row.promptIds.length;
      for (let i = 0; i < width; i++) {
        ids.push(i < pad ? this.padId : row.promptIds[i - pad]!);
        mask.push(i < pad ? 0 : 1);
        // Pads get position 1 as in transformers; they are masked out, so the value only has to be valid.
        positions.push(i < pad ? 1 : i - pad);
      }
    }
    let past = this.emptyPast(batch);
    let total = width;
    let feeds = this.feeds(ids, [batch, width], mask, total, positions, past, false);
    while (true) {
      const outputs = await this.session.run(feeds);
      this.release(past);
      past = this.presents(outputs);
      this.pickNext(states, outputs[this.spec.logits.name]!);
      if (total + 1 > this.contextLength) for (const state of states) state.finish ??= 'length';
      this.report(states, onFinish);
      if (states.every((state) => state.finish)) break;
      total++;
      const next = states.map((state) => (state.finish ? this.padId : state.tokens[state.tokens.length - 1]!));
      for (const state of states) state.position++;
      mask.length = 0;
      for (let r = 0; r < batch; r++) {
        const pad = width - rows[r]!.promptIds.length;
        for (let i = 0; i < total; i++) mask.push(i < pad ? 0 : 1);
      }
      feeds = this.feeds(
        next,
        [batch, 1],
        mask,
        total,
        states.map((state) => state.position),
        past,
        true,
      );
    }
    this.release(past);
    return states.map((state) => ({ tokens: state.tokens, finish: state.finish! }));
  }

  private report(states: RowState[], onFinish: ((index: number, outcome: RowOutcome) => void) | undefined): void {
    states.forEach((state, index) => {
      if (!state.finish || state.reported) return;
      state.reported = true;
      onFinish?.(index, { tokens: state.tokens, finish: state.finish });
    });
  }

  /** Reads each unfinished row's last logits, picks its token and applies the end conditions. */
  private pickNext(states: RowState[], logits: Tensor): void {
    const data = cpuData(logits);
    const vocab = this.logitsRow.length;
    const positions = logits.dims[1]!;
    for (let r = 0; r < states.length; r++) {
      const state = states[r]!;
      if (state.finish) continue;
      if (state.row.cancelled()) {
        state.finish = 'cancelled';
        continue;
      }
      const offset = (r * positions + positions - 1) * vocab;
      const row =
        data instanceof Uint16Array
          ? float16ToFloat32(data, offset, vocab, this.logitsRow)
          : (data as Float32Array).subarray(offset, offset + vocab);
      const token = state.row.pick(row, state.history);
      if (state.row.eosIds.has(token)) {
        state.finish = 'eos';
        continue;
      }
      state.tokens.push(token);
      state.history.push(token);
      if (state.row.accept(token)) state.finish = 'stop';
      else if (state.tokens.length >= state.row.maxTokens) state.finish = 'length';
    }
  }

  private feeds(
    ids: readonly number[],
    dims: [number, number],
    mask: readonly number[],
    total: number,
    positions: readonly number[],
    past: Record<string, Tensor>,
    hasPast: boolean,
  ): Record<string, Tensor> {
    const spec = this.spec;
    const feeds: Record<string, Tensor> = {
      ...past,
      [spec.inputIds.name]: integerTensor(spec.inputIds.type, ids, dims),
    };
    if (spec.attentionMask)
      feeds[spec.attentionMask.name] = integerTensor(spec.attentionMask.type, mask, [dims[0], total]);
    if (spec.positionIds) feeds[spec.positionIds.name] = integerTensor(spec.positionIds.type, positions, dims);
    if (spec.logitsToKeep) feeds[spec.logitsToKeep.name] = integerTensor(spec.logitsToKeep.type, [1], []);
    if (spec.useCacheBranch) feeds[spec.useCacheBranch] = booleanTensor(hasPast);
    return feeds;
  }

  private emptyPast(batch: number): Record<string, Tensor> {
    const past: Record<string, Tensor> = {};
    for (const layer of this.spec.layers) {
      past[layer.pastKey] = emptyCache(this.spec.cacheType, batch, this.spec.kvHeads, this.spec.headDim);
      past[layer.pastValue] = emptyCache(this.spec.cacheType, batch, this.spec.kvHeads, this.spec.headDim);
    }
    return past;
  }

  /** The step's present KV tensors, renamed as the next step's past. */
  private presents(outputs: ort.InferenceSession.OnnxValueMapType): Record<string, Tensor> {
    const past: Record<string, Tensor> = {};
    for (const layer of this.spec.layers) {
      past[layer.pastKey] = outputs[layer.presentKey] as Tensor;
      past[layer.pastValue] = outputs[layer.presentValue] as Tensor;
    }
    return past;
  }

  /** Frees GPU buffers of a cache no longer needed (a no-op for CPU tensors). */
  private release(past: Record<string, Tensor>): void {
    for (const tensor of Object.values(past)) if (tensor.location === 'gpu-buffer') tensor.dispose();
  }
}
