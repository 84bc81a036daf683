/**
 * A tiny NLI model folder built in tests (test-only: onnx-proto is a devDependency; not exported from the package's
 * `testing` entry): a real WordPiece tokenizer.json with a BERT-style pair template, a config.json with id2label, and
 * an ONNX classifier graph of the shape cross-encoders have (input_ids, attention_mask, token_type_ids → logits
 * [batch, labels]). The graph is an embedding bag: (word + token-type embeddings) averaged over the attention mask,
 * then a linear head. Its verdicts mean nothing; `expectedLogits` computes the same thing in plain JavaScript so tests
 * can check tokenisation, padding and label mapping exactly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { BERT_SPECIAL, bertTokenizerJson, floatTensor, int64Tensor } from './bert-fixtures.js';
import { temporaryFolder } from './model-fixtures.js';

const { onnx } = onnxProto;

export const NLI_SPECIAL = BERT_SPECIAL;
export const NLI_WORDS = 'the cat sat on mat dog ran in park tower is tall short paris yes no . ##s'.split(' ');
export const NLI_VOCAB = [...NLI_SPECIAL, ...NLI_WORDS];
const DIM = 3;

/** Word embeddings: "yes" pushes towards entailment, "no" away; every other token a fixed small pattern. */
export function wordEmbedding(id: number): number[] {
  const token = NLI_VOCAB[id];
  if (token === 'yes') return [6, 0, 1];
  if (token === 'no') return [-6, 0, 1];
  return [Math.sin(id) * 0.5, Math.cos(id * 0.7), 1];
}
const TYPE_EMBEDDINGS = [
  [0, 0.25, 0],
  [0, -0.25, 0],
];

export interface NliFixtureOptions {
  /** Labels by index; default contradiction, entailment, neutral (entailment in the middle). */
  labels?: string[];
  /** Writes the graph at onnx/model.onnx (default) or model.onnx. */
  layout?: 'onnx-folder' | 'flat';
  /** Leaves id2label out of config.json. */
  noLabels?: boolean;
  /** The head's output width when it should differ from the labels (a broken export). */
  outputs?: number;
  maxLength?: number;
}

/** The head: column j of a DIM × labels matrix; label "entailment"-like columns read feature 0. */
function head(labels: number): { weights: number[][]; bias: number[] } {
  const weights = Array.from({ length: DIM }, (_, row) =>
    Array.from({ length: labels }, (_, column) =>
      row === 0 ? (column === 1 || labels === 1 ? 1 : -0.5) : 0.3 * column - 0.2 * row,
    ),
  );
  return { weights, bias: Array.from({ length: labels }, (_, column) => 0.1 * column) };
}

/** Writes the folder and returns its path. */
export function writeNliModel(options: NliFixtureOptions = {}, into = temporaryFolder('groundwork-nli-')): string {
  const labels = options.labels ?? ['contradiction', 'entailment', 'neutral'];
  const folder = join(into, 'tiny-nli');
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  const config: Record<string, unknown> = {
    architectures: ['BertForSequenceClassification'],
    model_type: 'bert',
    max_position_embeddings: options.maxLength ?? 64,
  };
  if (!options.noLabels) config.id2label = Object.fromEntries(labels.map((label, index) => [String(index), label]));
  writeFileSync(join(folder, 'config.json'), JSON.stringify(config, null, 2));
  writeFileSync(join(folder, 'tokenizer.json'), JSON.stringify(bertTokenizerJson(NLI_VOCAB)));
  writeFileSync(join(folder, 'tokenizer_config.json'), JSON.stringify({ pad_token: '[PAD]', model_max_length: 512 }));
  const graph = classifierGraph(options.outputs ?? labels.length);
  const path = options.layout === 'flat' ? join(folder, 'model.onnx') : join(folder, 'onnx', 'model.onnx');
  writeFileSync(path, graph);
  return folder;
}

/** What the graph computes for one unpadded sequence of ids and token types. */
export function expectedLogits(ids: number[], types: number[], labels: number): number[] {
  const mean = [0, 0, 0];
  ids.forEach((id, position) => {
    const word = wordEmbedding(id);
    const type = TYPE_EMBEDDINGS[types[position]!]!;
    for (let d = 0; d < DIM; d++) mean[d]! += (word[d]! + type[d]!) / ids.length;
  });
  const { weights, bias } = head(labels);
  return bias.map((value, column) => value + mean.reduce((sum, x, row) => sum + x * weights[row]![column]!, 0));
}

function classifierGraph(labels: number): Uint8Array {
  const { weights, bias } = head(labels);
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const input = (name: string) => ({
    name,
    type: { tensorType: { elemType: INT64, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } },
  });
  const node = (opType: string, inputs: string[], output: string, attribute: object[] = []) => ({
    opType,
    input: inputs,
    output: [output],
    name: output,
    attribute,
  });
  const int = (name: string, value: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
  const model = onnx.ModelProto.fromObject({
    irVersion: 8,
    producerName: 'groundwork-tests',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-nli',
      input: [input('input_ids'), input('attention_mask'), input('token_type_ids')],
      output: [
        {
          name: 'logits',
          type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'batch' }, { dimValue: labels }] } } },
        },
      ],
      initializer: [
        floatTensor(
          'word_embeddings',
          [NLI_VOCAB.length, DIM],
          NLI_VOCAB.flatMap((_, id) => wordEmbedding(id)),
        ),
        floatTensor('type_embeddings', [2, DIM], TYPE_EMBEDDINGS.flat()),
        floatTensor('head_weights', [DIM, labels], weights.flat()),
        floatTensor('head_bias', [labels], bias),
        int64Tensor('axis_2', [2]),
        int64Tensor('axis_1', [1]),
      ],
      node: [
        node('Gather', ['word_embeddings', 'input_ids'], 'words'),
        node('Gather', ['type_embeddings', 'token_type_ids'], 'types'),
        node('Add', ['words', 'types'], 'embedded'),
        node('Cast', ['attention_mask'], 'mask_float', [int('to', FLOAT)]),
        node('Unsqueeze', ['mask_float', 'axis_2'], 'mask_3d'),
        node('Mul', ['embedded', 'mask_3d'], 'masked'),
        node('ReduceSum', ['masked', 'axis_1'], 'summed', [int('keepdims', 0)]),
        node('ReduceSum', ['mask_3d', 'axis_1'], 'counted', [int('keepdims', 0)]),
        node('Div', ['summed', 'counted'], 'mean'),
        node('MatMul', ['mean', 'head_weights'], 'projected'),
        node('Add', ['projected', 'head_bias'], 'logits'),
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
