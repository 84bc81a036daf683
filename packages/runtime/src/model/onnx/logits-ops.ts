import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import type { Provider } from './device.js';
import { greedyPickNodes } from './greedy-pick.js';
import { sessionOptions } from './providers.js';
import type { CacheType } from './session-spec.js';
import type { Tensor } from './tensors.js';
import { tensorValueInfo } from './value-info.js';

const { onnx } = onnxProto;

/**
 * Reads a decoder's logits that stay on the GPU, with tiny ONNX graphs run on the decoder's own execution
 * provider; their outputs come back to the CPU as ordinary outputs:
 *
 * - argmax: each row's next token under greedy decoding (the first index of the largest logit at the last
 *   position, as the sampler's argmax: greedyPickNodes), so a step reads back one int64 a row instead of a whole
 *   vocabulary of logits.
 * - last: each row's logits at its last position, in the logits' own type, for rows that sample or penalize.
 * - tokens: the greedy tokens of up to CHAIN_READ_STEPS steps a decoder picked itself (greedy-pick.ts) and left on
 *   the device, read back at once (OnnxBatchModel.chain).
 */
export class LogitsOps {
  private constructor(
    private readonly argmaxSession: ort.InferenceSession,
    private readonly lastSession: ort.InferenceSession,
    private readonly tokensSession: ort.InferenceSession,
  ) {}

  static async open(type: CacheType, provider: Provider, vocab: number): Promise<LogitsOps> {
    const graphs = logitsGraphs(type, vocab);
    const opened: ort.InferenceSession[] = [];
    const open = async (graph: { bytes: Uint8Array; outputs: string[] }) => {
      const session = await ort.InferenceSession.create(
        graph.bytes,
        sessionOptions(provider, 1, () => graph.outputs),
      );
      opened.push(session);
      return session;
    };
    try {
      return new LogitsOps(await open(graphs.argmax), await open(graphs.last), await open(tokensReadGraph()));
    } catch (error) {
      await Promise.all(opened.map((session) => session.release()));
      throw error;
    }
  }

  /**
   * The tokens of 1 to CHAIN_READ_STEPS steps ([rows, 1] int64 each, wherever they are), read back in one Run, so
   * the wait for the device is paid once: `[step][row]`.
   */
  async readTokens(steps: readonly Tensor[]): Promise<number[][]> {
    if (steps.length === 0 || steps.length > CHAIN_READ_STEPS)
      throw new RangeError(`readTokens takes 1 to ${CHAIN_READ_STEPS} steps, not ${steps.length}`);
    const feeds: Record<string, Tensor> = {};
    for (let step = 0; step < CHAIN_READ_STEPS; step++) feeds[`step${step}`] = steps[Math.min(step, steps.length - 1)]!;
    const { tokens } = await this.tokensSession.run(feeds);
    const data = (tokens as Tensor).data as BigInt64Array;
    const rows = data.length / CHAIN_READ_STEPS;
    return steps.map((_, step) =>
      Array.from({ length: rows }, (_, row) => Number(data[row * CHAIN_READ_STEPS + step])),
    );
  }

  /** Each row's greedy token: the first index of the largest logit at the row's last position. */
  async argmax(logits: Tensor): Promise<number[]> {
    const { tokens } = await this.argmaxSession.run({ logits });
    const data = (tokens as Tensor).data as BigInt64Array;
    return Array.from(data, Number);
  }

  /** [rows, 1, vocab] on the CPU: each row's logits at its last position. */
  async last(logits: Tensor): Promise<Tensor> {
    const { last_logits } = await this.lastSession.run({ logits });
    return last_logits as Tensor;
  }

  async release(): Promise<void> {
    await Promise.all([this.argmaxSession, this.lastSession, this.tokensSession].map((session) => session.release()));
  }
}

/** The most steps whose greedy tokens are read back at once (and so the longest chain of greedy steps). */
export const CHAIN_READ_STEPS = 8;

/** CHAIN_READ_STEPS int64 [rows, 1] inputs concatenated into [rows, CHAIN_READ_STEPS]: one read for many steps. */
function tokensReadGraph(): { bytes: Uint8Array; outputs: string[] } {
  const { INT64 } = onnx.TensorProto.DataType;
  const { INT } = onnx.AttributeProto.AttributeType;
  const value = (name: string, dims: (string | number)[]) => tensorValueInfo(name, INT64, dims);
  const inputs = Array.from({ length: CHAIN_READ_STEPS }, (_, step) => `step${step}`);
  const bytes = onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      irVersion: 8,
      producerName: 'groundwork',
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'chained-tokens',
        input: inputs.map((name) => value(name, ['rows', 1])),
        output: [value('tokens', ['rows', CHAIN_READ_STEPS])],
        node: [
          {
            opType: 'Concat',
            input: inputs,
            output: ['tokens'],
            name: 'tokens',
            attribute: [{ name: 'axis', type: INT, i: 1 }],
          },
        ],
      },
    }),
  ).finish();
  return { bytes, outputs: ['tokens'] };
}

/**
 * The argmax and last-position graphs for logits of `type` ([batch, positions, vocab]), as ONNX model bytes; the
 * argmax is the decoders' own greedy pick (greedyPickNodes: chunked, since one ArgMax over a whole vocabulary is
 * slow on WebGPU).
 */
export function logitsGraphs(
  type: CacheType,
  vocab: number,
): Record<'argmax' | 'last', { bytes: Uint8Array; outputs: string[] }> {
  const { INT64, FLOAT, FLOAT16 } = onnx.TensorProto.DataType;
  const elemType = type === 'float16' ? FLOAT16 : FLOAT;
  const logits = tensorValueInfo('logits', elemType, ['batch', 'positions', vocab]);
  const model = (name: string, graph: { node: object[]; initializer: object[] }, output: object) =>
    onnx.ModelProto.encode(
      onnx.ModelProto.fromObject({
        irVersion: 8,
        producerName: 'groundwork',
        opsetImport: [{ domain: '', version: 13 }],
        graph: { name, input: [logits], output: [output], ...graph },
      }),
    ).finish();
  const argmax = model(
    'logits-argmax',
    greedyPickNodes({ input: 'logits', output: 'tokens', vocab, opset: 13, prefix: 'pick/' }),
    tensorValueInfo('tokens', INT64, ['batch', 1]),
  );
  // Positions -1 to the end along axis 1: the last position, kept as an axis of size 1.
  const constant = (name: string, number: number) => ({ name, dims: [1], dataType: INT64, int64Data: [number] });
  const last = model(
    'logits-last',
    {
      node: [{ opType: 'Slice', input: ['logits', 'starts', 'ends', 'position_axis'], output: ['last_logits'] }],
      initializer: [constant('starts', -1), constant('ends', Number.MAX_SAFE_INTEGER), constant('position_axis', 1)],
    },
    tensorValueInfo('last_logits', elemType, ['batch', 1, vocab]),
  );
  return { argmax: { bytes: argmax, outputs: ['tokens'] }, last: { bytes: last, outputs: ['last_logits'] } };
}
