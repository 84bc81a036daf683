import { readFileSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { readDefaultOpset, readGraphOutputNames } from './graph-outputs.js';

const { onnx } = onnxProto;

/** The output the engine adds to a decoder: each row's greedy next token, int64 [batch, 1]. */
export const GREEDY_PICK_OUTPUT = 'groundwork_greedy_tokens';

/** Names the added nodes and constants use; no exported decoder uses them. */
const PREFIX = 'groundwork_greedy_pick/';

/**
 * A decoder graph with its greedy pick appended: Slice (the last position of `logits`) → Cast (to float; exact for
 * fp16, which the CPU provider's ArgMax does not take) → ArgMax (first index of the largest, as the sampler's
 * argmax) → `groundwork_greedy_tokens`, shaped as the next step's `input_ids`. The tokens are then computed in the
 * decoder's own Run: on WebGPU they can stay on the GPU and feed the next step without the CPU waiting for them
 * (a second session's Run waits for the device to finish the decoder, ~9 ms a step on an H100: decision 0013).
 *
 * The file is not parsed: a serialized protobuf message followed by another of the same type reads as the two
 * merged (repeated fields appended, the graph message merged into the graph), so the patch is the file's bytes with
 * a small ModelProto after them that holds only the added nodes, constants and output. Weights in external data
 * stay where they are (the session is told their folder). Gives undefined, with the reason, when the graph has no
 * `logits` output, imports no default operator set of version 11 or later (negative axes) or already has the
 * output.
 */
export function withGreedyPick(onnxPath: string): { bytes: Uint8Array } | { reason: string } {
  const outputs = readGraphOutputNames(onnxPath);
  if (!outputs.includes('logits')) return { reason: 'the graph has no "logits" output' };
  if (outputs.includes(GREEDY_PICK_OUTPUT)) return { reason: `the graph already has a "${GREEDY_PICK_OUTPUT}" output` };
  const opset = readDefaultOpset(onnxPath);
  if (opset === undefined || opset < 11)
    return { reason: `the graph imports operator set ${opset ?? '(none)'}; the pick needs 11 or later` };
  const file = readFileSync(onnxPath);
  const patch = greedyPickPatch();
  const bytes = new Uint8Array(file.length + patch.length);
  bytes.set(file, 0);
  bytes.set(patch, file.length);
  return { bytes };
}

/** The ModelProto that, read after a decoder's own, adds the greedy pick to its graph (see withGreedyPick). */
export function greedyPickPatch(): Uint8Array {
  const { INT64, FLOAT } = onnx.TensorProto.DataType;
  const { INT } = onnx.AttributeProto.AttributeType;
  const name = (part: string) => `${PREFIX}${part}`;
  const constant = (part: string, value: number) => ({
    name: name(part),
    dims: [1],
    dataType: INT64,
    int64Data: [value],
  });
  return onnx.ModelProto.encode(
    onnx.ModelProto.fromObject({
      graph: {
        initializer: [constant('starts', -1), constant('ends', Number.MAX_SAFE_INTEGER), constant('axes', -2)],
        node: [
          {
            opType: 'Slice',
            name: name('last'),
            input: ['logits', name('starts'), name('ends'), name('axes')],
            output: [name('last')],
          },
          {
            opType: 'Cast',
            name: name('float'),
            input: [name('last')],
            output: [name('float')],
            attribute: [{ name: 'to', type: INT, i: FLOAT }],
          },
          {
            opType: 'ArgMax',
            name: name('argmax'),
            input: [name('float')],
            output: [GREEDY_PICK_OUTPUT],
            attribute: [
              { name: 'axis', type: INT, i: -1 },
              { name: 'keepdims', type: INT, i: 0 },
            ],
          },
        ],
        output: [{ name: GREEDY_PICK_OUTPUT, type: { tensorType: { elemType: INT64 } } }],
      },
    }),
  ).finish();
}
