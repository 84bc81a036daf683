import { describe, expect, it } from 'vitest';
import { DTYPES, dtypeModelPath, globToRegExp, isDtype, matchesGlob, selectFiles } from './file-filter.js';
import { HubError } from './hub-error.js';

describe('globToRegExp', () => {
  it.each([
    ['*.json', 'config.json', true],
    ['*.json', 'onnx/config.json', false],
    ['**/*.json', 'config.json', true],
    ['**/*.json', 'a/b/config.json', true],
    ['onnx/**', 'onnx/a/b.onnx', true],
    ['onnx/**', 'onnxx/a', false],
    ['onnx/model_q4.onnx*', 'onnx/model_q4.onnx_data', true],
    ['onnx/model_q4.onnx*', 'onnx/model_q4f16.onnx', false],
    ['model?.onnx', 'model1.onnx', true],
    ['model?.onnx', 'model/.onnx', false],
    ['model.onnx', 'modelxonnx', false],
    ['a+b(c)[d]$', 'a+b(c)[d]$', true],
    ['config.json', 'xconfig.json', false],
  ])('%s on %s: %s', (pattern, path, expected) => {
    expect(matchesGlob(path, pattern)).toBe(expected);
  });

  it('anchors the whole path', () => {
    expect(globToRegExp('*.json').test('a.json.bak')).toBe(false);
  });
});

describe('dtypes', () => {
  it('maps each to the file transformers.js loads', () => {
    expect(DTYPES.map(dtypeModelPath)).toEqual([
      'onnx/model.onnx',
      'onnx/model_fp16.onnx',
      'onnx/model_quantized.onnx',
      'onnx/model_int8.onnx',
      'onnx/model_uint8.onnx',
      'onnx/model_q4.onnx',
      'onnx/model_q4f16.onnx',
      'onnx/model_bnb4.onnx',
    ]);
  });

  it('knows only those', () => {
    expect(isDtype('q4')).toBe(true);
    expect(isDtype('toString')).toBe(false);
    expect(isDtype('q3')).toBe(false);
  });
});

describe('selectFiles', () => {
  const files = [
    'config.json',
    'onnx/model.onnx',
    'onnx/model_q4.onnx',
    'onnx/model_q4.onnx_data',
    'weights.onnx.data',
  ].map((path) => ({ path }));
  const paths = (selected: { path: string }[]) => selected.map((file) => file.path);

  it('keeps the listing order', () => {
    expect(paths(selectFiles(files, { include: ['onnx/*', 'config.json'] }, 'r'))).toEqual([
      'config.json',
      'onnx/model.onnx',
      'onnx/model_q4.onnx',
      'onnx/model_q4.onnx_data',
    ]);
  });

  it('counts external data anywhere as ONNX files for a dtype', () => {
    expect(paths(selectFiles(files, { dtype: 'q4' }, 'r'))).toEqual([
      'config.json',
      'onnx/model_q4.onnx',
      'onnx/model_q4.onnx_data',
    ]);
  });

  it('says where nothing matched', () => {
    expect(() => selectFiles(files, { include: ['*.md'] }, 'owner/name at revision main')).toThrow(
      new HubError('no-match', 'the pattern "*.md" matches no file of owner/name at revision main'),
    );
  });
});
