/**
 * Hub repository ids are `owner/name`: letters, digits, `-`, `_` and `.`, not starting or ending with `-` or `.`,
 * without `--` or `..`, at most 96 characters per part (the hub's own rules for new repositories).
 */
const PART = /^(?![-.])[A-Za-z0-9._-]{1,96}(?<![-.])$/;

/** Why `text` is not a repository id, or undefined when it is one. */
export function checkRepoId(text: string): string | undefined {
  const parts = text.split('/');
  const valid =
    parts.length === 2 && parts.every((part) => PART.test(part) && !part.includes('--') && !part.includes('..'));
  return valid
    ? undefined
    : `"${text}" is not a model repository id: expected owner/name, e.g. onnx-community/Qwen2.5-0.5B-Instruct`;
}

/** The part after the owner: the default folder name for a download. */
export function repoName(repo: string): string {
  return repo.slice(repo.indexOf('/') + 1);
}
