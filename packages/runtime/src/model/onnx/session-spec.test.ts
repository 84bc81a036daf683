import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { ModelArchitecture } from '../folder/model-folder.js';
import { readSessionSpec } from './session-spec.js';

type Metadata = InferenceSession.ValueMetadata;

const architecture: ModelArchitecture = {
  modelType: 'qwen2',
  numLayers: 2,
  numAttentionHeads: 14,
  numKvHeads: 2,
  headDim: 64,
  hiddenSize: 896,
  vocabSize: 1000,
  contextLength: 4096,
};

const tensor = (name: string, type: string, shape: (number | string)[]): Metadata =>
  ({ name, isTensor: true, type, shape }) as unknown as Metadata;

/** A decoder's metadata as exporters write it; `options` varies what real exports vary. */
function metadata(options: {
  idType?: string;
  positionIds?: boolean;
  logitsToKeep?: boolean;
  useCacheBranch?: boolean;
  cacheType?: string;
  naming?: 'optimum' | 'genai';
  layers?: number;
  kvHeads?: number;
}) {
  const { idType = 'int64', cacheType = 'float32', naming = 'optimum', layers = 2, kvHeads = 2 } = options;
  const past = (layer: number, kind: string) =>
    naming === 'optimum' ? `past_key_values.${layer}.${kind}` : `past_${kind}_${layer}`;
  const present = (layer: number, kind: string) =>
    naming === 'optimum' ? `present.${layer}.${kind}` : `present_${kind}_${layer}`;
  const inputs = [
    tensor('input_ids', idType, ['batch', 'sequence']),
    tensor('attention_mask', idType, ['batch', 'total']),
  ];
  if (options.positionIds) inputs.push(tensor('position_ids', idType, ['batch', 'sequence']));
  if (options.logitsToKeep) inputs.push(tensor('num_logits_to_keep', 'int64', []));
  if (options.useCacheBranch) inputs.push(tensor('use_cache_branch', 'bool', [1]));
  const outputs = [tensor('logits', cacheType, ['batch', 'sequence', 1000])];
  for (let layer = 0; layer < layers; layer++) {
    for (const kind of ['key', 'value']) {
      inputs.push(tensor(past(layer, kind), cacheType, ['batch', kvHeads, 'past', 64]));
      outputs.push(tensor(present(layer, kind), cacheType, ['batch', kvHeads, 'total', 64]));
    }
  }
  return { inputMetadata: inputs, outputMetadata: outputs };
}

describe('readSessionSpec', () => {
  it('reads a graph without position_ids, with int32 ids and the genai cache names', () => {
    const spec = readSessionSpec(metadata({ idType: 'int32', naming: 'genai' }), architecture);
    expect(spec.positionIds).toBeUndefined();
    expect(spec.inputIds).toEqual({ name: 'input_ids', type: 'int32' });
    expect(spec.attentionMask).toEqual({ name: 'attention_mask', type: 'int32' });
    expect(spec.layers).toEqual([
      {
        pastKey: 'past_key_0',
        pastValue: 'past_value_0',
        presentKey: 'present_key_0',
        presentValue: 'present_value_0',
      },
      {
        pastKey: 'past_key_1',
        pastValue: 'past_value_1',
        presentKey: 'present_key_1',
        presentValue: 'present_value_1',
      },
    ]);
  });

  it('reads position_ids, num_logits_to_keep, use_cache_branch and an fp16 cache when the graph has them', () => {
    const spec = readSessionSpec(
      metadata({ positionIds: true, logitsToKeep: true, useCacheBranch: true, cacheType: 'float16' }),
      architecture,
    );
    expect(spec).toMatchObject({
      positionIds: { name: 'position_ids', type: 'int64' },
      logitsToKeep: { name: 'num_logits_to_keep', type: 'int64' },
      useCacheBranch: 'use_cache_branch',
      cacheType: 'float16',
      logits: { name: 'logits', type: 'float16', vocab: 1000 },
      kvHeads: 2,
      headDim: 64,
    });
  });

  it('refuses a cache that does not match the config, naming both sides', () => {
    expect(() => readSessionSpec(metadata({ layers: 3 }), architecture)).toThrow(
      'the graph has KV cache inputs for 3 layers but the config says num_hidden_layers = 2',
    );
    expect(() => readSessionSpec(metadata({ kvHeads: 4 }), architecture)).toThrow(
      'past_key_values.0.key has 4 KV heads of size 64 but the config says 2 KV heads of size 64',
    );
  });

  it('refuses graphs that are not decoders with a cache', () => {
    const noCache = {
      inputMetadata: [tensor('input_ids', 'int64', ['b', 's'])],
      outputMetadata: [tensor('logits', 'float32', ['b', 's', 9])],
    };
    expect(() => readSessionSpec(noCache, architecture)).toThrow(/no KV cache inputs/);
    const encoder = { inputMetadata: [tensor('pixel_values', 'float32', [1, 3, 224, 224])], outputMetadata: [] };
    expect(() => readSessionSpec(encoder, architecture)).toThrow(/no input_ids input \(inputs: pixel_values\)/);
    const unpaired = metadata({});
    unpaired.outputMetadata = unpaired.outputMetadata.filter((output) => output.name !== 'present.1.value');
    expect(() => readSessionSpec(unpaired, architecture)).toThrow('layer 1 of the KV cache lacks presentValue');
  });
});
