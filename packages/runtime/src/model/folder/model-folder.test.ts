import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectModelFolder, isModelFolder, type ModelFolderError, type ModelFolderProblem } from './model-folder.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const STORIES = join(REPO_ROOT, '../shared/models/stories260K');
const STORIES_ONNX = join(STORIES, 'onnx/model.onnx');
const STORIES_TEXT_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];

let temp: string;
let counter = 0;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'groundwork-model-folder-'));
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

function freshDir(name = `case-${++counter}`): string {
  const dir = join(temp, `${++counter}`, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function write(dir: string, files: Record<string, string | object | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    const text = typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content);
    writeFileSync(join(dir, name), text);
  }
}

/**
 * A writable copy of stories260K: the small text files copied (the originals are read-only), the 1.2 MB graph
 * linked rather than copied.
 */
function storiesCopy(name = 'stories'): string {
  const dir = freshDir(name);
  for (const file of STORIES_TEXT_FILES) writeFileSync(join(dir, file), readFileSync(join(STORIES, file)));
  mkdirSync(join(dir, 'onnx'));
  symlinkSync(STORIES_ONNX, join(dir, 'onnx/model.onnx'));
  return dir;
}

function storiesJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(STORIES, file), 'utf8'));
}

function failure(path: string, options?: Parameters<typeof inspectModelFolder>[1]): ModelFolderError {
  try {
    inspectModelFolder(path, options);
  } catch (error) {
    return error as ModelFolderError;
  }
  throw new Error(`inspectModelFolder(${path}) did not throw`);
}

function expectProblem(path: string, code: ModelFolderProblem, message: RegExp, options?: { dtype?: string }): void {
  const error = failure(path, options);
  expect(error.name).toBe('ModelFolderError');
  expect(error.code).toBe(code);
  expect(error.message.startsWith(`${path}: `)).toBe(true);
  expect(error.message).toMatch(message);
  expect(error.message).not.toMatch(/\n\s+at /);
}

const ONNX_SIZE = statSync(STORIES_ONNX).size;

describe('inspectModelFolder on stories260K', () => {
  it('reads the Optimum layout, the architecture and the special tokens', () => {
    const folder = inspectModelFolder(STORIES);
    expect(folder).toEqual({
      name: 'stories260K',
      path: STORIES,
      layout: 'optimum',
      onnxPath: STORIES_ONNX,
      dtype: 'fp32',
      dtypes: ['fp32'],
      sizeBytes: ONNX_SIZE,
      architecture: {
        modelType: 'llama',
        numLayers: 5,
        numAttentionHeads: 8,
        numKvHeads: 4,
        headDim: 8,
        hiddenSize: 64,
        vocabSize: 512,
        contextLength: 512,
      },
      tokenizerPath: join(STORIES, 'tokenizer.json'),
      tokenizerConfigPath: join(STORIES, 'tokenizer_config.json'),
      chatTemplate: undefined,
      bosTokenId: 1,
      eosTokenIds: [2],
      padTokenId: 0,
    });
    expect(ONNX_SIZE).toBeGreaterThan(1_000_000);
  });

  it('resolves a relative path and returns a plain object that survives structured cloning', () => {
    const folder = inspectModelFolder(relative(process.cwd(), STORIES));
    expect(folder.path).toBe(STORIES);
    expect(structuredClone(folder)).toEqual(folder);
  });

  it('is recognised by isModelFolder, while its onnx/ folder and an empty folder are not', () => {
    expect(isModelFolder(STORIES)).toBe(true);
    expect(isModelFolder(join(STORIES, 'onnx'))).toBe(false);
    expect(isModelFolder(freshDir())).toBe(false);
    expect(isModelFolder(join(temp, 'does-not-exist'))).toBe(false);
  });
});

describe('the onnxruntime-genai layout', () => {
  function genaiFolder(model: Record<string, unknown>, extra: Record<string, string | object | Buffer> = {}): string {
    const dir = freshDir('phi-genai');
    symlinkSync(STORIES_ONNX, join(dir, 'model.onnx'));
    write(dir, {
      'genai_config.json': { model, search: { max_length: 256 } },
      'tokenizer.json': readFileSync(join(STORIES, 'tokenizer.json'), 'utf8'),
      'tokenizer_config.json': storiesJson('tokenizer_config.json'),
      ...extra,
    });
    return dir;
  }

  const decoder = {
    filename: 'model.onnx',
    head_size: 8,
    hidden_size: 64,
    num_attention_heads: 8,
    num_hidden_layers: 5,
    num_key_value_heads: 4,
    inputs: { input_ids: 'input_ids', past_key_names: 'past_key_values.%d.key' },
  };
  const model = {
    type: 'llama',
    vocab_size: 512,
    context_length: 256,
    bos_token_id: 1,
    eos_token_id: [2, 3],
    pad_token_id: 0,
    decoder,
  };

  it('reads genai_config.json and counts the external data file in the size', () => {
    const dir = genaiFolder(model, { 'model.onnx.data': Buffer.alloc(4096), 'unrelated.bin': Buffer.alloc(9999) });
    expect(isModelFolder(dir)).toBe(true);
    const folder = inspectModelFolder(dir);
    expect(folder).toMatchObject({
      name: 'phi-genai',
      layout: 'genai',
      onnxPath: join(dir, 'model.onnx'),
      dtype: 'unknown',
      dtypes: ['unknown'],
      sizeBytes: ONNX_SIZE + 4096,
      architecture: {
        modelType: 'llama',
        numLayers: 5,
        numAttentionHeads: 8,
        numKvHeads: 4,
        headDim: 8,
        hiddenSize: 64,
        vocabSize: 512,
        contextLength: 256,
      },
      tokenizerPath: join(dir, 'tokenizer.json'),
      tokenizerConfigPath: join(dir, 'tokenizer_config.json'),
      bosTokenId: 1,
      eosTokenIds: [2, 3],
      padTokenId: 0,
    });
  });

  it('uses the decoder file the config names, with its data, and other graphs the config names', () => {
    const dir = genaiFolder(
      {
        ...model,
        decoder: { ...decoder, filename: 'decoder.onnx', head_size: undefined },
        embedding: { filename: 'embeds.onnx' },
      },
      {
        'decoder.onnx': Buffer.alloc(100),
        'decoder.onnx.data': Buffer.alloc(1000),
        'embeds.onnx': Buffer.alloc(10),
        'embeds.onnx_data': Buffer.alloc(20_000),
      },
    );
    const folder = inspectModelFolder(dir);
    expect(folder.onnxPath).toBe(join(dir, 'decoder.onnx'));
    // The stray model.onnx is named by nothing, so it does not count.
    expect(folder.sizeBytes).toBe(100 + 1000 + 10 + 20_000);
    // head_size left out: hidden size / heads.
    expect(folder.architecture.headDim).toBe(8);
  });

  it('refuses a dtype, names a missing graph and a missing number', () => {
    expectProblem(genaiFolder(model), 'no-dtype', /no q4 graph \(an onnxruntime-genai folder/, { dtype: 'q4' });
    expectProblem(
      genaiFolder({ ...model, decoder: { ...decoder, filename: 'gone.onnx' } }),
      'no-onnx',
      /no gone\.onnx/,
    );
    expectProblem(
      genaiFolder({ ...model, decoder: { ...decoder, num_hidden_layers: undefined } }),
      'bad-config',
      /genai_config\.json has no model\.decoder\.num_hidden_layers/,
    );
    expectProblem(
      genaiFolder({ ...model, vocab_size: undefined }),
      'bad-config',
      /genai_config\.json has no model\.vocab_size/,
    );
    const { decoder: _, ...withoutDecoder } = model;
    expectProblem(genaiFolder(withoutDecoder), 'bad-config', /genai_config\.json has no model\.decoder section/);
  });
});

describe('choosing the graph by dtype', () => {
  /** Graph files need only exist here: nothing opens them. Sizes tell which one was chosen. */
  function multiDtypeFolder(graphs: Record<string, number>): string {
    const dir = storiesCopy();
    unlinkSync(join(dir, 'onnx/model.onnx'));
    for (const [file, size] of Object.entries(graphs)) writeFileSync(join(dir, 'onnx', file), Buffer.alloc(size));
    return dir;
  }

  const ALL = {
    'model.onnx': 1,
    'model_fp16.onnx': 2,
    'model_quantized.onnx': 3,
    'model_q4.onnx': 4,
    'model_q4f16.onnx': 5,
    'model_bnb4.onnx': 6,
  };

  it('lists every dtype and prefers fp32 on the CPU, fp16 on GPUs', () => {
    const dir = multiDtypeFolder(ALL);
    const cpu = inspectModelFolder(dir);
    expect(cpu.dtypes).toEqual(['fp32', 'fp16', 'q8', 'q4', 'q4f16', 'bnb4']);
    expect([cpu.dtype, cpu.onnxPath, cpu.sizeBytes]).toEqual(['fp32', join(dir, 'onnx/model.onnx'), 1]);
    for (const device of ['webgpu', 'cuda'] as const) {
      const gpu = inspectModelFolder(dir, { device });
      expect([gpu.dtype, gpu.onnxPath]).toEqual(['fp16', join(dir, 'onnx/model_fp16.onnx')]);
    }
  });

  it('follows the preference order when the first choices are missing', () => {
    const dir = multiDtypeFolder({ 'model_q4.onnx': 4, 'model_q4f16.onnx': 5, 'model_int8.onnx': 3 });
    expect(inspectModelFolder(dir).dtype).toBe('q8');
    expect(inspectModelFolder(dir, { device: 'webgpu' }).dtype).toBe('q4f16');
    const onlyQ4 = multiDtypeFolder({ 'model_q4.onnx': 4, 'model_bnb4.onnx': 6 });
    expect(inspectModelFolder(onlyQ4).dtype).toBe('q4');
    expect(inspectModelFolder(onlyQ4, { device: 'cuda' }).dtype).toBe('q4');
    const unusual = multiDtypeFolder({ 'model_bnb4.onnx': 6 });
    expect([inspectModelFolder(unusual).dtype, inspectModelFolder(unusual, { device: 'cuda' }).dtype]).toEqual([
      'bnb4',
      'bnb4',
    ]);
  });

  it('picks a requested dtype, by name or by file suffix', () => {
    const dir = multiDtypeFolder({ ...ALL, 'model_uint8.onnx': 7 });
    expect(inspectModelFolder(dir, { dtype: 'q4' }).onnxPath).toBe(join(dir, 'onnx/model_q4.onnx'));
    expect(inspectModelFolder(dir, { dtype: 'q4f16', device: 'cpu' }).sizeBytes).toBe(5);
    // q8 is model_quantized first; the other 8-bit files are reachable by their suffix.
    expect(inspectModelFolder(dir, { dtype: 'q8' }).onnxPath).toBe(join(dir, 'onnx/model_quantized.onnx'));
    const uint8 = inspectModelFolder(dir, { dtype: 'uint8' });
    expect([uint8.dtype, uint8.onnxPath]).toEqual(['q8', join(dir, 'onnx/model_uint8.onnx')]);
  });

  it('fails with no-dtype naming the dtypes the folder has', () => {
    const dir = multiDtypeFolder({ 'model.onnx': 1, 'model_fp16.onnx': 2 });
    expectProblem(dir, 'no-dtype', /no q4 graph \(this folder offers fp32, fp16\)/, { dtype: 'q4' });
    expectProblem(STORIES, 'no-dtype', /no fp16 graph \(this folder offers fp32\)$/, { dtype: 'fp16' });
  });

  it('prefers model*.onnx over decoder_model_merged*.onnx, and reads the older names alone', () => {
    const both = multiDtypeFolder({ 'decoder_model_merged.onnx': 10, 'model.onnx': 1, 'decoder_model.onnx': 30 });
    expect(inspectModelFolder(both).onnxPath).toBe(join(both, 'onnx/model.onnx'));
    const older = multiDtypeFolder({ 'decoder_model_merged.onnx': 10, 'decoder_model_merged_fp16.onnx': 20 });
    const folder = inspectModelFolder(older, { device: 'webgpu' });
    expect([folder.dtype, folder.dtypes, folder.sizeBytes]).toEqual(['fp16', ['fp32', 'fp16'], 20]);
  });

  it('adds the chosen graph’s external data files to its size, and only its own', () => {
    const dir = multiDtypeFolder({
      'model.onnx': 1,
      'model.onnx_data': 100,
      'model.onnx_data_1': 1000,
      'model_fp16.onnx': 2,
      'model_fp16.onnx.data': 10_000,
    });
    expect(inspectModelFolder(dir).sizeBytes).toBe(1 + 100 + 1000);
    expect(inspectModelFolder(dir, { dtype: 'fp16' }).sizeBytes).toBe(2 + 10_000);
  });
});

describe('broken model folders', () => {
  it('no tokenizer.json', () => {
    const dir = storiesCopy();
    unlinkSync(join(dir, 'tokenizer.json'));
    expectProblem(
      dir,
      'no-tokenizer',
      /: no tokenizer\.json \(a model folder needs the tokenizer it was trained with\)$/,
    );
  });

  it('no onnx/ folder', () => {
    const dir = storiesCopy();
    rmSync(join(dir, 'onnx'), { recursive: true });
    expect(isModelFolder(dir)).toBe(false);
    expectProblem(dir, 'no-onnx', /: no onnx\/ folder/);
  });

  it('an onnx/ folder without a model graph', () => {
    const dir = storiesCopy();
    unlinkSync(join(dir, 'onnx/model.onnx'));
    write(dir, { 'onnx/encoder_model.onnx': 'x', 'onnx/model.onnx_data': 'x' });
    expectProblem(dir, 'no-onnx', /: no model graph in onnx\/ \(expected onnx\/model\.onnx/);
  });

  it('config.json missing', () => {
    const dir = storiesCopy();
    unlinkSync(join(dir, 'config.json'));
    expect(isModelFolder(dir)).toBe(false);
    expectProblem(dir, 'no-config', /: no config\.json/);
  });

  it('config.json that is not JSON', () => {
    const dir = storiesCopy();
    write(dir, { 'config.json': '{ "model_type": "llama", ' });
    expectProblem(dir, 'bad-config', /: config\.json is not valid JSON \(/);
    write(dir, { 'config.json': '[1, 2]' });
    expectProblem(dir, 'bad-config', /: config\.json does not hold a JSON object$/);
  });

  it('config.json without num_hidden_layers, or with a number that is not one', () => {
    const dir = storiesCopy();
    const { num_hidden_layers: _, ...config } = storiesJson('config.json');
    write(dir, { 'config.json': config });
    expectProblem(dir, 'bad-config', /: config\.json has no num_hidden_layers$/);
    write(dir, { 'config.json': { ...config, num_hidden_layers: 5, num_attention_heads: '8' } });
    expectProblem(dir, 'bad-config', /: config\.json: num_attention_heads must be a positive integer, not "8"$/);
  });

  it('a broken optional file is reported, not ignored', () => {
    const dir = storiesCopy();
    write(dir, { 'generation_config.json': 'nope' });
    expectProblem(dir, 'bad-config', /: generation_config\.json is not valid JSON/);
  });

  it('a path that is missing, a file, or a folder of something else', () => {
    expectProblem(join(temp, 'nowhere'), 'not-found', /: no such folder$/);
    expectProblem(join(STORIES, 'config.json'), 'not-a-model', /: is a file, not a model folder$/);
    const notes = freshDir();
    write(notes, { 'README.md': '# notes' });
    expectProblem(
      notes,
      'not-a-model',
      /: not a model folder \(expected config\.json with an onnx\/ folder, or genai_config\.json\)$/,
    );
    const bare = freshDir();
    symlinkSync(STORIES_ONNX, join(bare, 'model.onnx'));
    expectProblem(bare, 'no-config', /: no genai_config\.json or config\.json next to the \.onnx file/);
  });

  it('keeps the path as the caller wrote it in the message and the absolute one in .path', () => {
    const dir = storiesCopy();
    unlinkSync(join(dir, 'tokenizer.json'));
    const written = relative(process.cwd(), dir);
    const error = failure(written);
    expect(error.message.startsWith(`${written}: no tokenizer.json`)).toBe(true);
    expect(error.path).toBe(dir);
    expect(error.detail).toMatch(/^no tokenizer\.json/);
  });
});

describe('chat templates', () => {
  const TEMPLATE = "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{% endfor %}";

  it('none in stories260K', () => {
    expect(inspectModelFolder(STORIES).chatTemplate).toBeUndefined();
  });

  it('from tokenizer_config.json, as a string', () => {
    const dir = storiesCopy();
    write(dir, { 'tokenizer_config.json': { ...storiesJson('tokenizer_config.json'), chat_template: TEMPLATE } });
    expect(inspectModelFolder(dir).chatTemplate).toBe(TEMPLATE);
  });

  it('from tokenizer_config.json, as a list of named templates: the default one', () => {
    const dir = storiesCopy();
    const chat_template = [
      { name: 'tool_use', template: 'TOOLS' },
      { name: 'default', template: TEMPLATE },
    ];
    write(dir, { 'tokenizer_config.json': { ...storiesJson('tokenizer_config.json'), chat_template } });
    expect(inspectModelFolder(dir).chatTemplate).toBe(TEMPLATE);
  });

  it('from chat_template.jinja', () => {
    const dir = storiesCopy();
    write(dir, { 'chat_template.jinja': TEMPLATE });
    expect(inspectModelFolder(dir).chatTemplate).toBe(TEMPLATE);
  });

  it('from chat_template.json', () => {
    const dir = storiesCopy();
    write(dir, { 'chat_template.json': { chat_template: TEMPLATE } });
    expect(inspectModelFolder(dir).chatTemplate).toBe(TEMPLATE);
  });

  it('tokenizer_config.json first, then chat_template.jinja, then chat_template.json', () => {
    const dir = storiesCopy();
    write(dir, { 'chat_template.jinja': 'JINJA', 'chat_template.json': { chat_template: 'JSON' } });
    expect(inspectModelFolder(dir).chatTemplate).toBe('JINJA');
    write(dir, { 'tokenizer_config.json': { ...storiesJson('tokenizer_config.json'), chat_template: 'CONFIG' } });
    expect(inspectModelFolder(dir).chatTemplate).toBe('CONFIG');
    unlinkSync(join(dir, 'chat_template.jinja'));
    write(dir, { 'tokenizer_config.json': storiesJson('tokenizer_config.json') });
    expect(inspectModelFolder(dir).chatTemplate).toBe('JSON');
  });
});

describe('configs that differ from stories260K', () => {
  function withConfig(config: Record<string, unknown>, files: Record<string, object> = {}): string {
    const dir = storiesCopy();
    write(dir, { 'config.json': config, ...files });
    return dir;
  }
  const { max_position_embeddings: _, head_dim: __, num_key_value_heads: ___, ...base } = storiesJson('config.json');

  it('derives head_dim, the KV heads and the context length when the config leaves them out', () => {
    const architecture = inspectModelFolder(withConfig(base)).architecture;
    expect(architecture).toMatchObject({ headDim: 64 / 8, numKvHeads: 8, contextLength: 512 });
  });

  it('does not take the tokenizer’s "no limit" placeholder for a context length', () => {
    const tokenizer = { ...storiesJson('tokenizer_config.json'), model_max_length: 1e30 };
    const dir = withConfig(base, { 'tokenizer_config.json': tokenizer });
    expectProblem(dir, 'bad-config', /config\.json has no max_position_embeddings/);
  });

  it('reads GPT-2 style names and a nested text_config', () => {
    const gpt2 = { model_type: 'gpt2', n_layer: 2, n_head: 4, n_embd: 32, n_positions: 1024, vocab_size: 100 };
    expect(inspectModelFolder(withConfig(gpt2)).architecture).toEqual({
      modelType: 'gpt2',
      numLayers: 2,
      numAttentionHeads: 4,
      numKvHeads: 4,
      headDim: 8,
      hiddenSize: 32,
      vocabSize: 100,
      contextLength: 1024,
    });
    const multimodal = { model_type: 'gemma3', text_config: { ...base, num_hidden_layers: 3 }, eos_token_id: [1, 106] };
    const folder = inspectModelFolder(withConfig(multimodal));
    expect([folder.architecture.modelType, folder.architecture.numLayers]).toEqual(['gemma3', 3]);
    expect(folder.eosTokenIds).toEqual([2, 1, 106]);
  });

  it('merges special tokens: generation_config.json first, every eos id once', () => {
    const dir = withConfig(
      { ...base, bos_token_id: 5, eos_token_id: [2, 9], pad_token_id: 3 },
      { 'generation_config.json': { eos_token_id: [7, 2], bos_token_id: null } },
    );
    const folder = inspectModelFolder(dir);
    expect([folder.bosTokenId, folder.eosTokenIds, folder.padTokenId]).toEqual([5, [7, 2, 9], 3]);
    const none = withConfig({ ...base, bos_token_id: undefined, eos_token_id: null, pad_token_id: undefined });
    unlinkSync(join(none, 'generation_config.json'));
    const bare = inspectModelFolder(none);
    expect([bare.bosTokenId, bare.eosTokenIds, bare.padTokenId]).toEqual([undefined, [], undefined]);
  });

  it('has no tokenizerConfigPath without tokenizer_config.json, and then uses no model_max_length', () => {
    const dir = storiesCopy();
    unlinkSync(join(dir, 'tokenizer_config.json'));
    const folder = inspectModelFolder(dir);
    expect(folder.tokenizerConfigPath).toBeUndefined();
    expect(folder.architecture.contextLength).toBe(512);
  });
});
