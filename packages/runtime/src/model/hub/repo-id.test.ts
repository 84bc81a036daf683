import { describe, expect, it } from 'vitest';
import { checkRepoId, repoName } from './repo-id.js';

describe('checkRepoId', () => {
  it.each(['karpathy/stories260K', 'onnx-community/Qwen2.5-0.5B-Instruct', 'HuggingFaceTB/SmolLM2-135M', 'a/b_c'])(
    'accepts %s',
    (id) => {
      expect(checkRepoId(id)).toBeUndefined();
    },
  );

  it.each([
    'gpt2',
    'a/b/c',
    '/name',
    'owner/',
    'owner/-name',
    'owner/name.',
    'o--wner/name',
    'owner/na..me',
    'owner/na me',
    '../etc',
  ])('refuses %s', (id) => {
    expect(checkRepoId(id)).toMatch(/is not a model repository id: expected owner\/name/);
  });

  it('names the folder after the part behind the owner', () => {
    expect(repoName('karpathy/stories260K')).toBe('stories260K');
  });
});
