import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFolderError } from './model-folder.js';
import { configuredModelPaths, findModel, listModels, modelSearchPaths } from './model-registry.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const STORIES = join(REPO_ROOT, '../shared/models/stories260K');
const STORIES_ONNX = join(STORIES, 'onnx/model.onnx');
const ONNX_SIZE = statSync(STORIES_ONNX).size;

let temp: string;

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'groundwork-model-registry-'));
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

let counter = 0;
function freshDir(): string {
  const dir = join(temp, `case-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A copy of stories260K at `dir`, the graph linked; `without` leaves files out to break it. */
function stories(dir: string, without: string[] = []): string {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
    if (!without.includes(file)) writeFileSync(join(dir, file), readFileSync(join(STORIES, file)));
  symlinkSync(STORIES_ONNX, join(dir, 'onnx/model.onnx'));
  return dir;
}

function failure(run: () => unknown): ModelFolderError {
  try {
    run();
  } catch (error) {
    return error as ModelFolderError;
  }
  throw new Error('expected a ModelFolderError');
}

describe('modelSearchPaths', () => {
  it('is ./models then GROUNDWORK_MODELS_PATH, resolved against cwd, without duplicates or missing folders', () => {
    const cwd = freshDir();
    for (const dir of ['models', 'shared', 'more', 'elsewhere']) mkdirSync(join(cwd, dir));
    const env = {
      GROUNDWORK_MODELS_PATH: [
        'shared',
        '',
        join(cwd, 'more'),
        'missing',
        './models',
        'shared/',
        'elsewhere/../more',
      ].join(':'),
    };
    expect(modelSearchPaths({ cwd, env })).toEqual([join(cwd, 'models'), join(cwd, 'shared'), join(cwd, 'more')]);
    expect(configuredModelPaths({ cwd, env })).toEqual([
      join(cwd, 'models'),
      join(cwd, 'shared'),
      join(cwd, 'more'),
      join(cwd, 'missing'),
    ]);
  });

  it('treats two spellings of one folder (through a link) as one', () => {
    const cwd = freshDir();
    mkdirSync(join(cwd, 'models'));
    symlinkSync(join(cwd, 'models'), join(cwd, 'alias'));
    expect(modelSearchPaths({ cwd, env: { GROUNDWORK_MODELS_PATH: 'alias' } })).toEqual([join(cwd, 'models')]);
  });

  it('is empty without ./models and the variable, and skips a file named in it', () => {
    const cwd = freshDir();
    expect(modelSearchPaths({ cwd, env: {} })).toEqual([]);
    writeFileSync(join(cwd, 'file'), '');
    expect(modelSearchPaths({ cwd, env: { GROUNDWORK_MODELS_PATH: 'file' } })).toEqual([]);
  });

  it('defaults to process.cwd() and process.env', () => {
    const previous = process.env.GROUNDWORK_MODELS_PATH;
    const dir = freshDir();
    process.env.GROUNDWORK_MODELS_PATH = dir;
    try {
      expect(modelSearchPaths()).toContain(dir);
    } finally {
      if (previous === undefined) delete process.env.GROUNDWORK_MODELS_PATH;
      else process.env.GROUNDWORK_MODELS_PATH = previous;
    }
  });
});

describe('listModels and findModel', () => {
  let cwd: string;
  let models: string;
  let shared: string;
  let single: string;

  beforeAll(() => {
    cwd = freshDir();
    models = join(cwd, 'models');
    shared = join(cwd, 'shared');
    single = join(cwd, 'single', 'gamma');
    stories(join(models, 'beta'));
    stories(join(models, 'alpha'), ['tokenizer.json']);
    stories(join(models, 'Delta'));
    mkdirSync(join(models, 'notes'));
    writeFileSync(join(models, 'notes', 'README.md'), 'not a model');
    stories(join(models, '.cache'));
    writeFileSync(join(models, 'stray.txt'), '');
    // The same name in a later search path, and a search path that is itself a model folder.
    stories(join(shared, 'beta'));
    stories(join(shared, 'half'), ['config.json']);
    stories(single);
  });

  const paths = () => [models, shared, single];

  it('lists model-like folders by name, unusable ones with their problem', () => {
    const listed = listModels(paths());
    expect(listed.map((model) => [model.name, model.path])).toEqual([
      ['alpha', join(models, 'alpha')],
      ['beta', join(models, 'beta')],
      ['beta', join(shared, 'beta')],
      ['Delta', join(models, 'Delta')],
      ['gamma', single],
      ['half', join(shared, 'half')],
    ]);
    expect(listed[1]).toEqual({
      name: 'beta',
      path: join(models, 'beta'),
      layout: 'optimum',
      dtype: 'fp32',
      dtypes: ['fp32'],
      sizeBytes: ONNX_SIZE,
      contextLength: 512,
      hasChatTemplate: false,
    });
    expect(listed[0]).toEqual({
      name: 'alpha',
      path: join(models, 'alpha'),
      problem: 'no tokenizer.json (a model folder needs the tokenizer it was trained with)',
    });
    expect(listed[5]?.problem).toMatch(/^no config\.json/);
    expect(JSON.parse(JSON.stringify(listed))).toEqual(listed);
  });

  it('lists a folder reached through two search paths once', () => {
    const listed = listModels([models, join(models, 'beta'), models]);
    expect(listed.filter((model) => model.name === 'beta')).toHaveLength(1);
  });

  it('lists nothing for no search paths or empty ones', () => {
    expect(listModels([])).toEqual([]);
    expect(listModels([freshDir(), join(temp, 'missing')])).toEqual([]);
  });

  it('finds a model by name, the first search path first', () => {
    const folder = findModel('beta', paths(), { cwd });
    expect(folder.path).toBe(join(models, 'beta'));
    expect(folder.architecture.numLayers).toBe(5);
    expect(findModel('beta', [shared, models], { cwd }).path).toBe(join(shared, 'beta'));
    expect(findModel('gamma', paths(), { cwd }).path).toBe(single);
  });

  it('passes dtype and device on', () => {
    expect(findModel('beta', paths(), { cwd, dtype: 'fp32', device: 'webgpu' }).dtype).toBe('fp32');
    const error = failure(() => findModel('beta', paths(), { cwd, dtype: 'q4' }));
    expect([error.code, error.message]).toEqual([
      'no-dtype',
      `${join(models, 'beta')}: no q4 graph (this folder offers fp32)`,
    ]);
  });

  it('finds a model by absolute path, or by path relative to cwd, outside the search paths', () => {
    const outside = stories(join(cwd, 'loose', 'epsilon'));
    expect(findModel(outside, [], { cwd }).name).toBe('epsilon');
    expect(findModel('loose/epsilon', [], { cwd }).path).toBe(outside);
    expect(findModel('./loose/epsilon', paths(), { cwd }).path).toBe(outside);
    // A bare name that no search path has is still tried as a folder in cwd.
    expect(findModel('epsilon', [], { cwd: join(cwd, 'loose') }).path).toBe(outside);
  });

  it('reports a broken model by name with its own problem, and a path as the user wrote it', () => {
    const byName = failure(() => findModel('alpha', paths(), { cwd }));
    expect(byName.code).toBe('no-tokenizer');
    expect(byName.message).toBe(
      `${join(models, 'alpha')}: no tokenizer.json (a model folder needs the tokenizer it was trained with)`,
    );
    const byPath = failure(() => findModel('models/alpha', [], { cwd }));
    expect(byPath.message).toBe(
      'models/alpha: no tokenizer.json (a model folder needs the tokenizer it was trained with)',
    );
    expect(byPath.path).toBe(join(models, 'alpha'));
    const notes = failure(() => findModel('notes', paths(), { cwd }));
    expect(notes.code).toBe('not-a-model');
  });

  it('fails with not-found naming the folders searched and the models there', () => {
    const error = failure(() => findModel('zeta', paths(), { cwd }));
    expect(error.code).toBe('not-found');
    expect(error.message).toBe(
      `zeta: no model named "zeta" and no such folder (searched ${models}, ${shared}, ${single}; ` +
        'models available: alpha, beta, Delta, gamma, half)',
    );
    const byPath = failure(() => findModel('./nowhere', paths(), { cwd }));
    expect([byPath.code, byPath.path]).toEqual(['not-found', join(cwd, 'nowhere')]);
    expect(byPath.message).toMatch(/^\.\/nowhere: no such folder \(searched .*; models available: alpha, /);
    const empty = failure(() => findModel('zeta', [], { cwd }));
    expect(empty.message).toBe(
      'zeta: no model named "zeta" and no such folder (no models folder to search: create ./models or set GROUNDWORK_MODELS_PATH)',
    );
  });
});
