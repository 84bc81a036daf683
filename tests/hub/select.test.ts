/** Choosing files: --include globs and the --dtype shortcut, on a repository laid out as transformers.js ones are. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HubError, MANIFEST_FILE, type PullOptions, pullModel } from '../../packages/runtime/src/model/hub/index.js';
import { type FakeHub, startFakeHub } from './fake-hub.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STORIES = resolve(ROOT, '../shared/models/stories260K');
const FILES = [
  'README.md',
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'onnx/model.onnx',
  'onnx/model.onnx_data',
  'onnx/model_fp16.onnx',
  'onnx/model_q4.onnx',
  'onnx/model_q4.onnx_data',
  'onnx/model_q4f16.onnx',
  'onnx/model_quantized.onnx',
  'images/chart.png',
];

let hub: FakeHub;
let dir: string;
let run = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'groundwork-select-'));
  const root = join(dir, 'repo');
  for (const path of FILES) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), `content of ${path}\n`);
  }
  hub = await startFakeHub({
    repos: { 'onnx-community/tiny': { root, lfsThreshold: 20 }, 'karpathy/stories260K': { root: STORIES } },
  });
});

afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The paths a pull with these options writes, sorted. */
async function pulled(options: Partial<PullOptions>): Promise<string[]> {
  const destination = join(dir, `out-${run++}`);
  const result = await pullModel({ repo: 'onnx-community/tiny', destination, baseUrl: hub.url, ...options });
  const written = readdirSync(destination, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== MANIFEST_FILE)
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(destination.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
  expect(result.files.map((file) => file.path).sort()).toEqual(written);
  return written;
}

async function selectionError(options: Partial<PullOptions>): Promise<HubError> {
  const error = await pulled(options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HubError);
  return error as HubError;
}

const NON_ONNX = [
  'README.md',
  'config.json',
  'generation_config.json',
  'images/chart.png',
  'tokenizer.json',
  'tokenizer_config.json',
];

describe('pullModel: --include', () => {
  it('takes every file without include or dtype', async () => {
    expect(await pulled({})).toEqual([...FILES].sort());
  });

  it('matches * within a folder only', async () => {
    expect(await pulled({ include: ['*.json'] })).toEqual([
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  it('takes a model and its external data with a trailing *', async () => {
    expect(await pulled({ include: ['onnx/model_q4.onnx*'] })).toEqual([
      'onnx/model_q4.onnx',
      'onnx/model_q4.onnx_data',
    ]);
  });

  it('crosses folders with ** and takes the union of several patterns', async () => {
    expect(await pulled({ include: ['**/*.png', 'config.json', 'onnx/model_q4f16.onn?'] })).toEqual([
      'config.json',
      'images/chart.png',
      'onnx/model_q4f16.onnx',
    ]);
  });

  it('refuses a pattern that matches nothing, naming it', async () => {
    const error = await selectionError({ include: ['*.json', 'onnx/model_int8.onnx'] });
    expect(error.code).toBe('no-match');
    expect(error.message).toBe(
      'the pattern "onnx/model_int8.onnx" matches no file of onnx-community/tiny at revision main',
    );
  });
});

describe('pullModel: --dtype', () => {
  it('q4: the non-ONNX files and onnx/model_q4.onnx*', async () => {
    expect(await pulled({ dtype: 'q4' })).toEqual(
      [...NON_ONNX, 'onnx/model_q4.onnx', 'onnx/model_q4.onnx_data'].sort(),
    );
  });

  it('fp32: onnx/model.onnx and its data', async () => {
    expect(await pulled({ dtype: 'fp32' })).toEqual([...NON_ONNX, 'onnx/model.onnx', 'onnx/model.onnx_data'].sort());
  });

  it('q8: onnx/model_quantized.onnx, as transformers.js names it', async () => {
    expect(await pulled({ dtype: 'q8' })).toEqual([...NON_ONNX, 'onnx/model_quantized.onnx'].sort());
  });

  it('adds to include patterns', async () => {
    expect(await pulled({ dtype: 'fp16', include: ['onnx/model_q4f16.onnx'] })).toEqual(
      [...NON_ONNX, 'onnx/model_fp16.onnx', 'onnx/model_q4f16.onnx'].sort(),
    );
  });

  it('refuses a dtype the repository does not publish, listing the ones it does', async () => {
    const error = await selectionError({ dtype: 'int8' });
    expect(error.code).toBe('no-match');
    expect(error.message).toBe(
      'onnx-community/tiny at revision main has no onnx/model_int8.onnx for dtype int8; it has fp32, fp16, q8, q4, q4f16',
    );
  });

  it('fp32 of stories260K is the whole folder', async () => {
    const destination = join(dir, `out-${run++}`);
    const result = await pullModel({ repo: 'karpathy/stories260K', destination, baseUrl: hub.url, dtype: 'fp32' });
    expect(result.files.map((file) => file.path).sort()).toEqual(
      readdirSync(STORIES, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => join(entry.parentPath, entry.name).slice(STORIES.length + 1))
        .sort(),
    );
  });
});
