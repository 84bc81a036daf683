import type ort from 'onnxruntime-node';
import type { ChatMessage, FinishReason, GenerateRequest } from '../backend.js';
import type { ModelFolder } from '../folder/model-folder.js';
import { randomSeed, Sampler } from '../sampling/index.js';
import {
  IncrementalDecoder,
  messagesAsPlainText,
  renderChatTemplate,
  StopStringMatcher,
  TextTokenizer,
} from '../text/index.js';
import { DEFAULT_MIN_SHARED_PREFIX } from './batch-layout.js';
import { type DecodeRow, DecodeScheduler, type RowOutcome } from './decode-scheduler.js';
import type { DeviceRequest } from './device.js';
import { graphTraits, readGraphNodes } from './graph-nodes.js';
import { CHAIN_READ_STEPS } from './logits-ops.js';
import { ModelLoadError } from './model-load-error.js';
import { type OnnxBatch, OnnxBatchModel } from './onnx-batch-model.js';
import type { FromWorker, LoadedModelInfo } from './protocol.js';
import { openSession, splitMlpProviders } from './providers.js';
import { readSessionSpec } from './session-spec.js';
import { StreamedText } from './streamed-text.js';

/** Requests that arrive within this window of an idle model start as one batch (parallel branches start together). */
const JOIN_WINDOW_MS = 2;
/** Rows decoding at once; more requests wait for rows to end. */
const MAX_BATCH = 64;
const DEFAULT_MAX_TOKENS = 256;

type Send = (message: FromWorker) => void;

interface Pending {
  id: number;
  row: DecodeRow;
  promptTokens: number;
  text: StreamedText;
  cancelled: boolean;
  send: Send;
}

/**
 * One loaded model inside the engine's worker: its session, tokenizer and the scheduler that batches its requests
 * continuously (a request joins the running batch at the next step and leaves it when it ends).
 */
export class ModelRunner {
  private readonly byId = new Map<number, Pending>();

  private constructor(
    readonly info: LoadedModelInfo,
    private readonly session: ort.InferenceSession,
    private readonly model: OnnxBatchModel,
    private readonly scheduler: DecodeScheduler<OnnxBatch>,
    private readonly tokenizer: TextTokenizer,
    private readonly chatTemplate: string | undefined,
    private readonly eosIds: ReadonlySet<number>,
  ) {}

  static async load(folder: ModelFolder, device: DeviceRequest, threads?: number): Promise<ModelRunner> {
    const tokenizer = TextTokenizer.fromFiles(folder.tokenizerPath, folder.tokenizerConfigPath);
    // On WebGPU the logits stay on the GPU, where greedy steps pick their tokens, and the decoder gets its own greedy
    // pick so that greedy steps can chain there (onnx-batch-model.ts).
    const { session, choice, graphChanges } = await openSession(folder.onnxPath, device, {
      threads,
      logitsOnDevice: true,
      greedyPick: { on: chainSteps() > 1 ? ['webgpu'] : [], vocab: folder.architecture.vocabSize },
      splitMlp: splitMlpProviders(),
    });
    let spec: ReturnType<typeof readSessionSpec>;
    try {
      // Where shorter rows are padded, and whether prompts can share a prefix, depend on the graph's attention.
      spec = readSessionSpec(session, folder.architecture, graphTraits(readGraphNodes(folder.onnxPath)));
    } catch (error) {
      await session.release();
      throw error instanceof ModelLoadError
        ? new ModelLoadError(error.code, `${folder.path}: ${error.message}`)
        : error;
    }
    const eos = new Set(folder.eosTokenIds.length ? folder.eosTokenIds : tokenizer.eos ? [tokenizer.eos.id] : []);
    const padId = folder.padTokenId ?? tokenizer.pad?.id ?? [...eos][0] ?? 0;
    const { architecture } = folder;
    let model: OnnxBatchModel;
    try {
      model = await OnnxBatchModel.open(session, spec, {
        provider: choice.provider,
        padId,
        vocabSize: architecture.vocabSize,
        deviceLogits: choice.provider === 'webgpu',
        minSharedPrefix: minSharedPrefix(),
        // GROUNDWORK_PREFILL_GROUPS=0 prefills prompts waiting together in one Run, whatever their lengths (for
        // comparison).
        groupPrefills: process.env.GROUNDWORK_PREFILL_GROUPS?.trim() !== '0',
      });
    } catch (error) {
      await session.release();
      throw error;
    }
    const scheduler = new DecodeScheduler(model, {
      maxBatch: MAX_BATCH,
      joinWindowMs: JOIN_WINDOW_MS,
      contextLength: architecture.contextLength,
      chainSteps: model.chainable && choice.provider === 'webgpu' ? chainSteps() : 1,
    });
    const info: LoadedModelInfo = {
      name: folder.name,
      path: folder.path,
      layout: folder.layout,
      dtype: folder.dtype,
      provider: choice.provider,
      providerReasons: choice.reasons,
      architecture,
      hasChatTemplate: folder.chatTemplate !== undefined,
      contextLength: architecture.contextLength,
      graphChanges,
    };
    return new ModelRunner(info, session, model, scheduler, tokenizer, folder.chatTemplate, eos);
  }

  /** Queues a request; its text, result or error goes out through `send`. */
  enqueue(id: number, request: GenerateRequest, send: Send): void {
    let pending: Pending;
    try {
      pending = this.prepare(id, request, send);
    } catch (error) {
      send({ type: 'error', id, error: serializeError(error) });
      return;
    }
    this.byId.set(id, pending);
    // Each request gets its result as soon as its own row ends, not when the batch's longest one does.
    this.scheduler.submit(pending.row).then(
      (outcome) => this.deliver(pending, outcome),
      (error: unknown) => this.settle(pending, { type: 'error', id, error: serializeError(error) }),
    );
  }

  /** Stops a request at the next token; false when it is not here. */
  cancel(id: number): boolean {
    const pending = this.byId.get(id);
    if (pending) pending.cancelled = true;
    return pending !== undefined;
  }

  async close(): Promise<void> {
    await this.model.close();
    await this.session.release();
  }

  /** The prompt's token ids: through the chat template for chat messages when the model has one, plain text otherwise. */
  private promptIds(request: GenerateRequest): number[] {
    const useTemplate = this.chatTemplate !== undefined && request.useChatTemplate !== false;
    if (useTemplate) {
      const messages: ChatMessage[] =
        typeof request.prompt === 'string' ? [{ role: 'user', content: request.prompt }] : request.prompt;
      const text = renderChatTemplate(this.chatTemplate!, messages, {
        addGenerationPrompt: true,
        tokens: this.tokenizer.templateTokens,
      });
      // The template writes the special tokens it wants (a BOS among them); the tokenizer must not add more.
      return this.tokenizer.encode(text, { addSpecialTokens: false });
    }
    const text = typeof request.prompt === 'string' ? request.prompt : messagesAsPlainText(request.prompt);
    return this.tokenizer.encode(text);
  }

  private prepare(id: number, request: GenerateRequest, send: Send): Pending {
    const promptIds = this.promptIds(request);
    const limit = this.info.contextLength;
    if (promptIds.length >= limit) {
      throw new ModelLoadError(
        'prompt-too-long',
        `the prompt is ${promptIds.length} tokens; ${this.info.name} takes at most ${limit} in all`,
      );
    }
    const sampler = new Sampler(request, request.seed ?? randomSeed());
    const text = new StreamedText(
      new IncrementalDecoder(this.tokenizer, promptIds),
      new StopStringMatcher(request.stop ?? []),
      (piece) => send({ type: 'text', id, text: piece }),
    );
    const pending: Pending = {
      id,
      promptTokens: promptIds.length,
      text,
      cancelled: false,
      send,
      row: {
        promptIds,
        maxTokens: Math.min(request.maxTokens ?? DEFAULT_MAX_TOKENS, limit - promptIds.length),
        eosIds: this.eosIds,
        pick: (logits, history) => sampler.next(logits, history),
        greedy: sampler.argmaxOnly,
        accept: (token) => text.push(token),
        cancelled: () => pending.cancelled,
      },
    };
    return pending;
  }

  private deliver(pending: Pending, outcome: RowOutcome): void {
    const { id } = pending;
    if (outcome.finish === 'cancelled') {
      this.settle(pending, { type: 'error', id, error: { code: 'cancelled', message: 'generation was cancelled' } });
      return;
    }
    const finishReason: FinishReason = outcome.finish;
    const text = pending.text.finish();
    const usage = { inputTokens: pending.promptTokens, outputTokens: outcome.tokens.length };
    this.settle(pending, { type: 'result', id, result: { text, finishReason, usage } });
  }

  private settle(pending: Pending, message: FromWorker): void {
    this.byId.delete(pending.id);
    pending.send(message);
  }
}

export function serializeError(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  // The sampler refuses parameters out of range with a RangeError: the request is wrong, trying again won't help.
  if (error instanceof RangeError) return { code: 'invalid-request', message };
  return { code: typeof code === 'string' ? code : 'generation-failed', message };
}

/**
 * Greedy steps chained on the GPU before their tokens are read back (OnnxBatchModel.chain): CHAIN_READ_STEPS, or
 * GROUNDWORK_CHAIN_STEPS (1 turns chaining off, for comparison). On the CPU a step's tokens are ready when its Run
 * returns, so chaining would only delay them.
 */
function chainSteps(): number {
  const asked = Number(process.env.GROUNDWORK_CHAIN_STEPS);
  return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, CHAIN_READ_STEPS) : CHAIN_READ_STEPS;
}

/**
 * The fewest equal leading tokens that prompts prefilled together compute once (OnnxBatchModel.prefillShared):
 * DEFAULT_MIN_SHARED_PREFIX, or GROUNDWORK_SHARED_PREFIX (0 turns sharing off, for comparison).
 */
function minSharedPrefix(): number {
  const asked = Number(process.env.GROUNDWORK_SHARED_PREFIX);
  return (process.env.GROUNDWORK_SHARED_PREFIX ?? '').trim() !== '' && Number.isInteger(asked) && asked >= 0
    ? asked
    : DEFAULT_MIN_SHARED_PREFIX;
}
