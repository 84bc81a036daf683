/**
 * Model folders for tests, made from the real stories260K model in a temporary folder: the same graph in the
 * onnxruntime-genai layout (with external data), and broken copies. Test-only (onnx-proto is a devDependency):
 * not exported from the package's `testing` entry.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ../shared/models/stories260K beside the repository: present on every developer machine and in CI. */
export const STORIES_260K = resolve(
  fileURLToPath(new URL('../../../../../shared/models/stories260K', import.meta.url)),
);

export interface Golden {
  prompt: string;
  prompt_ids: number[];
  greedy_ids: number[];
  greedy_text_pieces_joined: string;
}

export function readGolden(): Golden[] {
  return JSON.parse(readFileSync(join(STORIES_260K, 'golden.json'), 'utf8')) as Golden[];
}

/** The continuation text a golden entry stands for: its pieces with SentencePiece spaces and byte tokens decoded. */
export function goldenText(golden: Golden): string {
  return golden.greedy_text_pieces_joined.replace(/<0x([0-9A-F]{2})>/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

export function temporaryFolder(prefix = 'groundwork-model-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A copy of the stories260K folder (Optimum layout) to break on purpose. */
export function copyStories(into = temporaryFolder()): string {
  const folder = join(into, 'stories260K');
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    copyFileSync(join(STORIES_260K, file), join(folder, file));
  }
  copyFileSync(join(STORIES_260K, 'onnx', 'model.onnx'), join(folder, 'onnx', 'model.onnx'));
  return folder;
}

/**
 * stories260K in the onnxruntime-genai layout: genai_config.json, the tokenizer files, and model.onnx whose
 * weights live in model.onnx.data (external data), as onnxruntime-genai builders write them.
 */
export function writeGenaiCopy(into = temporaryFolder()): string {
  const folder = join(into, 'stories260K-genai');
  mkdirSync(folder, { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json'])
    copyFileSync(join(STORIES_260K, file), join(folder, file));
  const config = JSON.parse(readFileSync(join(STORIES_260K, 'config.json'), 'utf8'));
  const model = onnx.ModelProto.decode(readFileSync(join(STORIES_260K, 'onnx', 'model.onnx')));
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const tensor of model.graph!.initializer!) {
    const raw = tensor.rawData;
    // As ONNX's own converter (size_threshold=1024): small tensors, shape constants among them, stay inline,
    // since ONNX Runtime reads those while loading the graph.
    if (!raw || raw.length < 1024) continue;
    tensor.externalData = [
      { key: 'location', value: 'model.onnx.data' },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    tensor.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    tensor.rawData = new Uint8Array(0);
    chunks.push(raw);
    offset += raw.length;
  }
  writeFileSync(join(folder, 'model.onnx.data'), Buffer.concat(chunks));
  writeFileSync(join(folder, 'model.onnx'), onnx.ModelProto.encode(model).finish());
  const genai = {
    model: {
      type: config.model_type,
      bos_token_id: config.bos_token_id,
      eos_token_id: config.eos_token_id,
      pad_token_id: config.pad_token_id,
      context_length: config.max_position_embeddings,
      vocab_size: config.vocab_size,
      decoder: {
        filename: 'model.onnx',
        head_size: config.head_dim,
        hidden_size: config.hidden_size,
        num_attention_heads: config.num_attention_heads,
        num_hidden_layers: config.num_hidden_layers,
        num_key_value_heads: config.num_key_value_heads,
        inputs: {
          input_ids: 'input_ids',
          attention_mask: 'attention_mask',
          position_ids: 'position_ids',
          past_key_names: 'past_key_values.%d.key',
          past_value_names: 'past_key_values.%d.value',
        },
        outputs: { logits: 'logits', present_key_names: 'present.%d.key', present_value_names: 'present.%d.value' },
      },
    },
    search: { max_length: config.max_position_embeddings, do_sample: false },
  };
  writeFileSync(join(folder, 'genai_config.json'), `${JSON.stringify(genai, null, 2)}\n`);
  return folder;
}

/**
 * Replaces every occurrence of an operator type in a copied graph with another of the same length (the protobuf
 * string keeps its size, so the file stays well-formed): a graph using an operator no runtime knows.
 */
export function renameOperator(onnxPath: string, from: string, to: string): void {
  if (from.length !== to.length) throw new Error('the new operator name must have the same length');
  const bytes = readFileSync(onnxPath);
  const needle = Buffer.from(from);
  let count = 0;
  for (let at = bytes.indexOf(needle); at >= 0; at = bytes.indexOf(needle, at + 1)) {
    bytes.write(to, at);
    count++;
  }
  if (count === 0) throw new Error(`no "${from}" in ${onnxPath}`);
  writeFileSync(onnxPath, bytes);
}
