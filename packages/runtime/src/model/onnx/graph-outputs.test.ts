import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { copyStories, STORIES_260K, temporaryFolder, writeGenaiCopy } from '../../testing/model-fixtures.js';
import { readGraphOutputNames } from './graph-outputs.js';
import { isCacheOutput } from './session-spec.js';

describe('readGraphOutputNames', () => {
  it('reads the outputs that ONNX Runtime reports, in order, without loading the graph', async () => {
    for (const path of [join(STORIES_260K, 'onnx', 'model.onnx'), join(writeGenaiCopy(), 'model.onnx')]) {
      const session = await ort.InferenceSession.create(path);
      expect(readGraphOutputNames(path)).toEqual(session.outputNames);
      await session.release();
    }
  });

  it('finds the KV cache outputs among them', () => {
    const names = readGraphOutputNames(join(STORIES_260K, 'onnx', 'model.onnx')).filter(isCacheOutput);
    expect(names).toHaveLength(10);
    expect(names).not.toContain('logits');
  });

  it('names a damaged or unreadable file', () => {
    const folder = copyStories();
    const path = join(folder, 'onnx', 'model.onnx');
    truncateSync(path, 1000);
    expect(() => readGraphOutputNames(path)).toThrow(/model\.onnx: not a well-formed ONNX file \(at byte \d+\)/);
    const garbage = join(temporaryFolder(), 'garbage.onnx');
    writeFileSync(garbage, Buffer.from([0xff, 0xff, 0xff]));
    expect(() => readGraphOutputNames(garbage)).toThrow(/not a well-formed ONNX file/);
    expect(() => readGraphOutputNames(join(folder, 'missing.onnx'))).toThrow(
      /missing\.onnx: cannot read it \(ENOENT\)/,
    );
  });
});
