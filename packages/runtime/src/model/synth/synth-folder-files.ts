import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EOS_ID } from './decoder-parts.js';
import type { SynthShape } from './synth-shapes.js';
import type { WeightDtype } from './synth-weights.js';

/**
 * The JSON files beside a synthetic graph, in the Optimum layout the engine (and transformers.js) read: config.json,
 * generation_config.json, and a word-level tokenizer whose tokens are `t0` … `t{vocab-1}` split on whitespace, so
 * the text prompt "t5 t17 t3" is the ids 5, 17, 3 and any run can be driven by token ids.
 */

export interface SynthRecord {
  shape: string;
  graph: 'plain' | 'fused';
  dtype: WeightDtype;
  seed: number;
}

export function writeFolderFiles(folder: string, shape: SynthShape, record: SynthRecord): void {
  const config = {
    architectures: [shape.architecture],
    model_type: shape.modelType,
    hidden_size: shape.hidden,
    intermediate_size: shape.intermediate,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.kvHeads,
    head_dim: shape.headDim,
    vocab_size: shape.vocab,
    max_position_embeddings: shape.context,
    rope_theta: shape.ropeTheta,
    rms_norm_eps: shape.rmsEps,
    hidden_act: 'silu',
    attention_bias: shape.qkvBias,
    tie_word_embeddings: true,
    bos_token_id: EOS_ID,
    eos_token_id: EOS_ID,
    torch_dtype: record.dtype === 'fp16' ? 'float16' : 'float32',
    use_cache: true,
    // Says what this folder is, so that no one mistakes its random weights for a trained model.
    groundwork_synthetic: record,
  };
  writeJson(join(folder, 'config.json'), config);
  writeJson(join(folder, 'generation_config.json'), { bos_token_id: EOS_ID, eos_token_id: EOS_ID, do_sample: false });
  writeJson(join(folder, 'tokenizer_config.json'), {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: shape.context,
    eos_token: `t${EOS_ID}`,
    unk_token: `t${EOS_ID}`,
    clean_up_tokenization_spaces: false,
  });
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson(shape.vocab)));
}

function tokenizerJson(vocab: number): object {
  const words: Record<string, number> = {};
  for (let id = 0; id < vocab; id++) words[`t${id}`] = id;
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [],
    normalizer: null,
    pre_tokenizer: { type: 'WhitespaceSplit' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab: words, unk_token: `t${EOS_ID}` },
  };
}

function writeJson(path: string, value: object): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
