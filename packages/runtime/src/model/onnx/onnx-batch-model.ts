import type ort from 'onnxruntime-node';
import {
  attentionMask,
  DEFAULT_MIN_SHARED_PREFIX,
  movedGaps,
  nextPositions,
  type OnnxBatch,
  paddedPrompts,
  sharedPrefix,
} from './batch-layout.js';
import { CacheOps, type CacheTensors } from './cache-ops.js';
import type { BatchModel, BatchStep, StepOptions } from './decode-scheduler.js';
import type { Provider } from './device.js';
import { GREEDY_PICK_OUTPUT } from './greedy-pick.js';
import { CHAIN_READ_STEPS, LogitsOps } from './logits-ops.js';
import { PREFILL_RUN_POSITIONS, prefillGroups } from './prefill-groups.js';
import type { SessionSpec } from './session-spec.js';
import { booleanTensor, cpuData, emptyCache, float16ToFloat32, integerTensor, type Tensor } from './tensors.js';

export type { OnnxBatch } from './batch-layout.js';

/**
 * A decoder graph as the scheduler drives it. Padding is masked out (attention_mask: zeros where a row has
 * padding, on the graph's side) and each row's positions count from its own first token, so under greedy decoding
 * a row gives the same tokens as it would alone, whichever rows it shares a batch with and whenever it joined.
 */
export class OnnxBatchModel implements BatchModel<OnnxBatch> {
  private readonly logitsRow: Float32Array;
  /** Prompt positions computed so far (rows × tokens of every Run that fed prompt tokens): what sharing saves. */
  promptPositions = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly spec: SessionSpec,
    private readonly ops: CacheOps,
    private readonly padId: number,
    vocabSize: number,
    /** Set when the logits stay where the session computed them (on the GPU on WebGPU): see `readLogits`. */
    private readonly logitsOps: LogitsOps | undefined,
    /** The fewest tokens prompts prefilled together must share for them to be computed once (0: never). */
    private readonly minSharedPrefix: number,
    /** A prefill Run's fixed cost in prompt positions (prefill-groups.ts); undefined: prompts are never grouped. */
    private readonly prefillRunPositions: number | undefined,
  ) {
    this.logitsRow = new Float32Array(vocabSize);
  }

  /**
   * The model over an open decoder session; its cache and logits helpers open on `provider`, the session's own.
   * `deviceLogits`: the logits go through the logits helpers (greedy steps pick their tokens there); it must be set
   * when the session keeps its logits on the GPU (openSession's `logitsOnDevice` on WebGPU) and may be set on any
   * provider (tests use it on the CPU). `minSharedPrefix`: prompts prefilled together that begin with at least that
   * many equal tokens compute them once (default DEFAULT_MIN_SHARED_PREFIX; 0 turns it off). `groupPrefills`
   * (default true): prompts of different lengths waiting together are cut into prefills of similar lengths where
   * that computes less (prefillGroups).
   */
  static async open(
    session: ort.InferenceSession,
    spec: SessionSpec,
    options: {
      provider: Provider;
      padId: number;
      vocabSize: number;
      deviceLogits?: boolean;
      minSharedPrefix?: number;
      groupPrefills?: boolean;
    },
  ): Promise<OnnxBatchModel> {
    const ops = await CacheOps.open(spec, options.provider);
    // The graph's own logits width where it declares one (config.json's vocab_size can differ from the lm_head's).
    const vocab = spec.logits.vocab ?? options.vocabSize;
    let logitsOps: LogitsOps | undefined;
    try {
      if (options.deviceLogits) logitsOps = await LogitsOps.open(spec.logits.type, options.provider, vocab);
    } catch (error) {
      await ops.release();
      throw error;
    }
    const minShared = options.minSharedPrefix ?? DEFAULT_MIN_SHARED_PREFIX;
    const runPositions = options.groupPrefills === false ? undefined : PREFILL_RUN_POSITIONS[options.provider];
    return new OnnxBatchModel(session, spec, ops, options.padId, vocab, logitsOps, minShared, runPositions);
  }

  /**
   * Prompts of different lengths waiting together, cut into prefills of similar lengths where padding them into
   * one would compute more (prefill-groups.ts). Prompts that share a prefix stay together: computing it once saves
   * more than their padding costs.
   */
  prefillGroups(prompts: readonly (readonly number[])[]): number[][] {
    const all = [prompts.map((_, index) => index)];
    if (this.prefillRunPositions === undefined || prompts.length < 2) return all;
    if (sharedPrefix(prompts, this.spec, this.minSharedPrefix) > 0) return all;
    const lengths = prompts.map((prompt) => prompt.length);
    return prefillGroups(lengths, this.prefillRunPositions, this.spec.padding === 'right');
  }

  async prefill(prompts: readonly (readonly number[])[], options?: StepOptions): Promise<BatchStep<OnnxBatch>> {
    const shared = sharedPrefix(prompts, this.spec, this.minSharedPrefix);
    if (shared > 0) return this.prefillShared(prompts, shared, options);
    const even = prompts.every((prompt) => prompt.length === prompts[0]!.length);
    if (this.spec.padding === 'right' && !even) return this.prefillRightPadded(prompts, options);
    const { input, positions, pads, width } = paddedPrompts(this.spec, this.padId, prompts);
    this.promptPositions += prompts.length * width;
    return this.run(this.empty(pads), input, width, positions, options);
  }

  /**
   * Prompts of several lengths for a right-padded graph: a right-padded row's last position is padding, not its
   * last token, so each prompt but its last token is prefilled (its logits unused), then the last tokens go in as
   * one step. A one-token prompt's prefill row holds that token only as a stand-in (a row needs a token), and is
   * counted as empty, so the step writes its token over it.
   */
  private async prefillRightPadded(
    prompts: readonly (readonly number[])[],
    options?: StepOptions,
  ): Promise<BatchStep<OnnxBatch>> {
    const firsts = prompts.map((prompt) => (prompt.length > 1 ? prompt.slice(0, -1) : prompt));
    const { input, positions, pads, width } = paddedPrompts(this.spec, this.padId, firsts);
    this.promptPositions += prompts.length * (width + 1);
    const { batch, logits, pick } = await this.forward(this.empty(pads), input, width, positions);
    dispose(logits);
    if (pick) dispose(pick);
    const lasts = prompts.map((prompt) => prompt[prompt.length - 1]!);
    const heads = { ...batch, pads: prompts.map((prompt) => width - (prompt.length - 1)) };
    return this.consumingOnFailure(heads, () => this.step(heads, lasts, options));
  }

  /**
   * Prompts that begin with the same `shared` tokens: those are computed once, for one row, and copied to every row
   * (the cache-ops Gather), then each row's remaining tokens go in together on top of them, padded at their front
   * to the longest remainder, so that every row's last token is at the last position (whose logits are the row's).
   * That padding sits between the shared tokens and the row's own: a gap the mask covers.
   */
  private async prefillShared(
    prompts: readonly (readonly number[])[],
    shared: number,
    options?: StepOptions,
  ): Promise<BatchStep<OnnxBatch>> {
    const head = integerTensor(this.spec.inputIds.type, prompts[0]!.slice(0, shared), [1, shared]);
    const headPositions = Array.from({ length: shared }, (_, i) => i);
    const { batch: one, logits, pick } = await this.forward(this.empty([0]), head, shared, headPositions);
    dispose(logits);
    if (pick) dispose(pick);
    let past: CacheTensors;
    try {
      past = await this.ops.select(
        one.past,
        prompts.map(() => 0),
        0,
        shared,
      );
    } finally {
      this.release(one);
    }
    const rests = prompts.map((prompt) => prompt.slice(shared));
    const { input, positions, pads, width } = paddedPrompts(this.spec, this.padId, rests);
    const gaps = pads.map((pad) => (pad > 0 ? ([shared, shared + pad] as const) : undefined));
    const rows = prompts.map(() => 0);
    this.promptPositions += shared + prompts.length * width;
    const copied: OnnxBatch = { past, pads: rows, width: shared, ...(gaps.some(Boolean) ? { gaps } : {}) };
    const rowPositions = positions.map((position) => position + shared);
    return this.consumingOnFailure(copied, () => this.run(copied, input, width, rowPositions, options));
  }

  /**
   * Runs `work`, which consumes `batch`; when it fails, frees the batch too (a Run that throws leaves its input
   * cache alive, and a prefill's intermediate cache has no other owner). Freeing twice is harmless.
   */
  private async consumingOnFailure<T>(batch: OnnxBatch, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.release(batch);
      throw error;
    }
  }

  /** A batch of `pads.length` rows with nothing in their cache yet. */
  private empty(pads: number[]): OnnxBatch {
    const past: CacheTensors = {};
    const { cacheType, kvHeads, headDim } = this.spec;
    for (const layer of this.spec.layers) {
      past[layer.pastKey] = emptyCache(cacheType, pads.length, kvHeads, headDim);
      past[layer.pastValue] = emptyCache(cacheType, pads.length, kvHeads, headDim);
    }
    return { past, pads, width: 0 };
  }

  async step(batch: OnnxBatch, tokens: readonly number[], options?: StepOptions): Promise<BatchStep<OnnxBatch>> {
    const positions = nextPositions(batch);
    const input = integerTensor(this.spec.inputIds.type, tokens, [tokens.length, 1]);
    return this.run(batch, input, 1, positions, options);
  }

  async merge(first: OnnxBatch, second: OnnxBatch): Promise<OnnxBatch> {
    const width = Math.max(first.width, second.width);
    const [padFirst, padSecond] = [width - first.width, width - second.width];
    const past = await this.ops.merge(first.past, padFirst, second.past, padSecond);
    this.release(first);
    this.release(second);
    const pads = [...first.pads.map((pad) => pad + padFirst), ...second.pads.map((pad) => pad + padSecond)];
    // Gaps exist on left-padded graphs only, where the padding added at the front moves them back.
    const gaps = [...movedGaps(first, padFirst), ...movedGaps(second, padSecond)];
    return { past, pads, width, ...(gaps.some(Boolean) ? { gaps } : {}) };
  }

  async keep(batch: OnnxBatch, rows: readonly number[]): Promise<OnnxBatch> {
    // Positions every kept row has as padding are cut away: the cache stays as long as its longest row.
    const trim = Math.min(...rows.map((row) => batch.pads[row]!));
    if (trim === 0 && rows.length === batch.pads.length && rows.every((row, index) => row === index)) return batch;
    const [start, end] = this.spec.padding === 'left' ? [trim, batch.width] : [0, batch.width - trim];
    const past = await this.ops.select(batch.past, rows, start, end);
    this.release(batch);
    const moved = movedGaps(batch, -trim);
    const gaps = rows.map((row) => moved[row]);
    return {
      past,
      pads: rows.map((row) => batch.pads[row]! - trim),
      width: batch.width - trim,
      ...(gaps.some(Boolean) ? { gaps } : {}),
    };
  }

  /** Frees GPU buffers of a cache no longer needed (a no-op for CPU tensors). */
  release(batch: OnnxBatch): void {
    for (const tensor of Object.values(batch.past)) dispose(tensor);
  }

  async close(): Promise<void> {
    await Promise.all([this.ops.release(), this.logitsOps?.release()]);
  }

  /**
   * Greedy steps chained on the device: each step's tokens are the decoder's own greedy pick (greedy-pick.ts), fed
   * to the next step where they are, and read back once at the end. Each Run then returns as soon as the step is
   * queued, and the device runs it while the next is issued; reading tokens each step makes every step wait for the
   * device (at batch 1 on an H100: 78 tok/s chained against 56 one step at a time, decision 0014). Runs at most `steps` (≤ CHAIN_READ_STEPS) steps,
   * fewer when `stop` says so before one; gives each step's tokens ([step][row]) and the batch after the last.
   */
  async chain(
    batch: OnnxBatch,
    tokens: readonly number[],
    steps: number,
    stop: () => boolean,
  ): Promise<{ batch: OnnxBatch; tokens: number[][] }> {
    const ops = this.logitsOps;
    if (!ops || !this.chainable) throw new Error('this model cannot chain steps: its decoder has no greedy pick');
    const picked: Tensor[] = [];
    let current = batch;
    let input = integerTensor('int64', tokens, [batch.pads.length, 1]);
    try {
      for (let step = 0; step < Math.min(steps, CHAIN_READ_STEPS); step++) {
        if (step > 0 && stop()) break;
        const positions = nextPositions(current);
        const { batch: next, logits, pick } = await this.forward(current, input, 1, positions);
        current = next;
        dispose(logits);
        input = pick as Tensor;
        picked.push(input);
      }
      return { batch: current, tokens: await ops.readTokens(picked) };
    } catch (error) {
      if (current !== batch) this.release(current);
      throw error;
    } finally {
      for (const tensor of picked) dispose(tensor);
    }
  }

  /** Whether `chain` can run: the decoder picks its greedy tokens (int64, as its input_ids) and the helpers are open. */
  get chainable(): boolean {
    return (
      this.logitsOps !== undefined &&
      this.spec.inputIds.type === 'int64' &&
      this.session.outputNames.includes(GREEDY_PICK_OUTPUT)
    );
  }

  /** Runs `length` new tokens per row after the batch's cache; the rows' masks cover their padding. */
  private async run(
    batch: OnnxBatch,
    input: Tensor,
    length: number,
    positions: readonly number[],
    options: StepOptions = { need: 'logits' },
  ): Promise<BatchStep<OnnxBatch>> {
    const { batch: next, logits, pick } = await this.forward(batch, input, length, positions);
    try {
      if (!this.logitsOps) return { batch: next, logits: (row) => this.lastLogits(logits, row) };
      return { batch: next, ...(await this.readLogits(this.logitsOps, logits, pick, options)) };
    } catch (error) {
      this.release(next);
      throw error;
    } finally {
      if (this.logitsOps) dispose(logits);
      if (pick) dispose(pick);
    }
  }

  /** One pass of the decoder: consumes `batch`; gives the batch one step longer, the logits and the greedy pick (when
   * the decoder has one) where the session left them. */
  private async forward(
    batch: OnnxBatch,
    inputIds: Tensor,
    length: number,
    positions: readonly number[],
  ): Promise<{ batch: OnnxBatch; logits: Tensor; pick: Tensor | undefined }> {
    const rows = batch.pads.length;
    const total = batch.width + length;
    const spec = this.spec;
    const feeds: Record<string, Tensor> = { ...batch.past, [spec.inputIds.name]: inputIds };
    if (spec.attentionMask) {
      const mask = attentionMask(batch, spec.padding, total);
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
    return {
      batch: { past, pads: batch.pads, width: total, ...(batch.gaps ? { gaps: batch.gaps } : {}) },
      logits: outputs[spec.logits.name] as Tensor,
      pick: outputs[GREEDY_PICK_OUTPUT] as Tensor | undefined,
    };
  }

  /**
   * Logits that stay on the device: when every row decodes greedily, the tokens are picked there and only one
   * int64 a row comes back (a row of Qwen's logits is ~300 KB in fp16, and reading them back cost ~1.7 ms a row a
   * step on an H100); otherwise the last position's logits come back through a helper graph whose output is an
   * ordinary CPU output (reading a GPU tensor with getData() aborted the process in onnxruntime-node 1.30).
   */
  private async readLogits(
    ops: LogitsOps,
    logits: Tensor,
    pick: Tensor | undefined,
    options: StepOptions,
  ): Promise<Omit<BatchStep<OnnxBatch>, 'batch'>> {
    if (options.need === 'argmax') {
      // The decoder's own pick when it has one (no second pick graph to run), else the helper's.
      const tokens = pick ? (await ops.readTokens([pick]))[0]! : await ops.argmax(logits);
      return {
        argmax: (row) => tokens[row]!,
        logits: () => {
          throw new Error('this step picked its tokens on the device: its logits were not read back');
        },
      };
    }
    const last = await ops.last(logits);
    return { logits: (row) => this.lastLogits(last, row) };
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

/** Frees a tensor's GPU buffer (a no-op for a CPU tensor). */
function dispose(tensor: Tensor): void {
  if (tensor.location === 'gpu-buffer') tensor.dispose();
}
