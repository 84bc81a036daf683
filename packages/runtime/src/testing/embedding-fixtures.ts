/**
 * A tiny sentence-embedding model folder built in tests (test-only: onnx-proto is a devDependency; not exported from
 * the package's `testing` entry; import it by path as tests/cli does with nli-fixtures). Optimum layout: config.json
 * (BertModel), tokenizer.json (WordPiece, lower-cased, [CLS] text [SEP]), tokenizer_config.json and onnx/model.onnx
 * taking input_ids, attention_mask (and token_type_ids unless told otherwise), giving last_hidden_state
 * [batch, sequence, 16]: each token's row of the embedding table below. The loader mean-pools it over the attention
 * mask and L2-normalises. With `output: 'sentence_embedding'` the graph pools itself and also gives token_embeddings
 * that are deliberately different (every value + 1), so a test can tell which output was used.
 *
 * The vocabulary (lower-case; BertNormalizer lower-cases input; `##s` makes plurals such as "cars" car + ##s):
 *   topic 0 vehicles:  car automobile vehicle truck drive driving engine tires road
 *   topic 1 pets:      dog puppy pet cat kitten animal
 *   topic 2 cooking:   cook cooking recipe bake bread oven kitchen food meal
 *   topic 3 money:     price cost money pay payment invoice refund cheap expensive
 *   topic 4 software:  install installation setup configure npm package download
 *   topic 5 failures:  error failure bug crash problem fix broken
 *   topic 6 weather:   rain weather storm sunny forecast snow
 *   topic 7 health:    doctor physician medicine sick illness hospital
 *   topic 8 homes:     house home building apartment
 *   topic 9 speed:     fast quick rapid speed slow
 *   function words:    the a an is are was of to in on for and with how what my your it this do does i you we
 *                      can new . , ? !
 * A topic word's vector is 1 on its topic's dimension (1..10) plus 0.3 on one of five "identity" dimensions
 * (11..15) chosen by its place in the topic, so words of a topic are close (cosine ≈ 0.92) and words of different
 * topics are far (at most about 0.2 for single words, from [CLS]/[SEP] and a shared identity dimension). Function
 * words, [CLS] and [SEP] share a small component on dimension 0; [UNK] and ##s are zero (unknown words do not move a
 * text's direction); [PAD] is large on dimension 15, so pooling that ignores the mask gives visibly wrong vectors.
 * "The automobile needs new tires" therefore lies near "car" though the two share no word, which is what a vector
 * search should find and a keyword search cannot.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { BERT_SPECIAL, bertTokenizerJson, floatTensor, int64Tensor } from './bert-fixtures.js';

const { onnx } = onnxProto;

export const EMBEDDING_DIMENSIONS = 16;
export const EMBEDDING_TOPICS: readonly (readonly string[])[] = [
  'car automobile vehicle truck drive driving engine tires road',
  'dog puppy pet cat kitten animal',
  'cook cooking recipe bake bread oven kitchen food meal',
  'price cost money pay payment invoice refund cheap expensive',
  'install installation setup configure npm package download',
  'error failure bug crash problem fix broken',
  'rain weather storm sunny forecast snow',
  'doctor physician medicine sick illness hospital',
  'house home building apartment',
  'fast quick rapid speed slow',
].map((topic) => topic.split(' '));
export const EMBEDDING_FUNCTION_WORDS =
  'the a an is are was of to in on for and with how what my your it this do does i you we can new . , ? !'.split(' ');

export const EMBEDDING_VOCAB: readonly string[] = [
  ...BERT_SPECIAL,
  '##s',
  ...EMBEDDING_TOPICS.flat(),
  ...EMBEDDING_FUNCTION_WORDS,
];

/** The embedding table's row for a token (a vocabulary entry; anything else is [UNK]). */
export function tokenVector(token: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  if (token === '[PAD]') vector[15] = 5;
  else if (token === '[CLS]' || token === '[SEP]' || EMBEDDING_FUNCTION_WORDS.includes(token)) vector[0] = 0.2;
  else {
    EMBEDDING_TOPICS.forEach((words, topic) => {
      const place = words.indexOf(token);
      if (place < 0) return;
      vector[1 + topic] = 1;
      vector[11 + ((place + topic) % 5)] = 0.3;
    });
  }
  return vector;
}

/** What the model gives for a text's tokens ([CLS] and [SEP] included): their mean, L2-normalised. */
export function expectedEmbedding(tokens: readonly string[]): number[] {
  const sum = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const token of tokens) {
    tokenVector(token).forEach((value, d) => {
      sum[d]! += value / tokens.length;
    });
  }
  const norm = Math.hypot(...sum) || 1;
  return sum.map((value) => value / norm);
}

export interface TestEmbeddingOptions {
  /** The folder's name inside `dir` (default "test-embedding"). */
  name?: string;
  /** max_position_embeddings in config.json (default 128): the longest input in tokens. */
  maxTokens?: number;
  /** last_hidden_state (default: the loader pools) or sentence_embedding (the graph pools). */
  output?: 'last_hidden_state' | 'sentence_embedding';
  /** Leave token_type_ids out of the graph's inputs (as many sentence-transformers exports do). */
  noTokenTypes?: boolean;
  /** onnx/model.onnx (default) or model.onnx at the top of the folder. */
  layout?: 'onnx-folder' | 'flat';
}

/** Writes the model folder into `dir` and returns its path. */
export async function writeTestEmbeddingModel(dir: string, options: TestEmbeddingOptions = {}): Promise<string> {
  const folder = join(dir, options.name ?? 'test-embedding');
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  const maxTokens = options.maxTokens ?? 128;
  const config = {
    architectures: ['BertModel'],
    model_type: 'bert',
    hidden_size: EMBEDDING_DIMENSIONS,
    max_position_embeddings: maxTokens,
  };
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(bertTokenizerJson(EMBEDDING_VOCAB)));
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ pad_token: '[PAD]', model_max_length: 512 }));
  const path = options.layout === 'flat' ? join(folder, 'model.onnx') : join(folder, 'onnx', 'model.onnx');
  writeFileSync(path, embeddingGraph(options.output ?? 'last_hidden_state', !options.noTokenTypes));
  return folder;
}

function embeddingGraph(output: 'last_hidden_state' | 'sentence_embedding', tokenTypes: boolean): Uint8Array {
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const dim = (value: string | number) => (typeof value === 'string' ? { dimParam: value } : { dimValue: value });
  const value = (name: string, type: number, dims: (string | number)[]) => ({
    name,
    type: { tensorType: { elemType: type, shape: { dim: dims.map(dim) } } },
  });
  const node = (opType: string, inputs: string[], result: string, attribute: object[] = []) => ({
    opType,
    input: inputs,
    output: [result],
    name: result,
    attribute,
  });
  const int = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
  const inputs = ['input_ids', 'attention_mask', ...(tokenTypes ? ['token_type_ids'] : [])];
  const nodes = [
    node('Gather', ['word_embeddings', 'input_ids'], tokenTypes ? 'words' : 'embedded'),
    ...(tokenTypes
      ? [node('Gather', ['type_embeddings', 'token_type_ids'], 'types'), node('Add', ['words', 'types'], 'embedded')]
      : []),
  ];
  const outputs = [];
  if (output === 'last_hidden_state') {
    nodes.push(node('Identity', ['embedded'], 'last_hidden_state'));
    outputs.push(value('last_hidden_state', FLOAT, ['batch', 'sequence', EMBEDDING_DIMENSIONS]));
  } else {
    nodes.push(
      node('Add', ['embedded', 'one'], 'token_embeddings'),
      node('Cast', ['attention_mask'], 'mask_float', [int('to', FLOAT)]),
      node('Unsqueeze', ['mask_float', 'axis_2'], 'mask_3d'),
      node('Mul', ['embedded', 'mask_3d'], 'masked'),
      node('ReduceSum', ['masked', 'axis_1'], 'summed', [int('keepdims', 0)]),
      node('ReduceSum', ['mask_3d', 'axis_1'], 'counted', [int('keepdims', 0)]),
      node('Div', ['summed', 'counted'], 'mean'),
      node('Mul', ['mean', 'mean'], 'squares'),
      node('ReduceSum', ['squares', 'axis_1'], 'square_sum', [int('keepdims', 1)]),
      node('Sqrt', ['square_sum'], 'norm'),
      node('Div', ['mean', 'norm'], 'sentence_embedding'),
    );
    outputs.push(
      value('token_embeddings', FLOAT, ['batch', 'sequence', EMBEDDING_DIMENSIONS]),
      value('sentence_embedding', FLOAT, ['batch', EMBEDDING_DIMENSIONS]),
    );
  }
  const model = onnx.ModelProto.fromObject({
    irVersion: 8,
    producerName: 'groundwork-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'test-embedding',
      input: inputs.map((name) => value(name, INT64, ['batch', 'sequence'])),
      output: outputs,
      initializer: [
        floatTensor(
          'word_embeddings',
          [EMBEDDING_VOCAB.length, EMBEDDING_DIMENSIONS],
          EMBEDDING_VOCAB.flatMap((token) => tokenVector(token)),
        ),
        // Zero: token types change nothing, but the input is there as in BERT exports.
        ...(tokenTypes
          ? [floatTensor('type_embeddings', [2, EMBEDDING_DIMENSIONS], new Array(2 * EMBEDDING_DIMENSIONS).fill(0))]
          : []),
        ...(output === 'sentence_embedding'
          ? [floatTensor('one', [1], [1]), int64Tensor('axis_2', [2]), int64Tensor('axis_1', [1])]
          : []),
      ],
      node: nodes,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
