/**
 * What the test encoder models share (test-only: onnx-proto is a devDependency): a BERT-style WordPiece
 * tokenizer.json over a given vocabulary whose first four tokens are [PAD] [UNK] [CLS] [SEP], and ONNX initializer
 * tensors for the graphs built in tests.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The special tokens every test vocabulary starts with, in this order (ids 0–3). */
export const BERT_SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/** A WordPiece tokenizer.json (lower-casing BERT normaliser) with `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]`. */
export function bertTokenizerJson(vocab: readonly string[]): object {
  const special = (content: string, id: number) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const token = (id: string, typeId: number) => ({ SpecialToken: { id, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: BERT_SPECIAL.map(special),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [token('[CLS]', 0), sequence('A', 0), token('[SEP]', 0)],
      pair: [token('[CLS]', 0), sequence('A', 0), token('[SEP]', 0), sequence('B', 1), token('[SEP]', 1)],
      special_tokens: {
        '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] },
        '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((word, id) => [word, id])),
    },
  };
}

export function floatTensor(name: string, dims: number[], values: number[]) {
  return { name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: values };
}

export function int64Tensor(name: string, values: number[]) {
  const raw = new BigInt64Array(values.map(BigInt));
  return {
    name,
    dims: [values.length],
    dataType: onnx.TensorProto.DataType.INT64,
    rawData: new Uint8Array(raw.buffer),
  };
}
