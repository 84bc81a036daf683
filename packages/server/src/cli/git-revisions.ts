import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** A file's revision that cannot be read: not in a repository, no such revision, or no such file in it. */
export class GitRevisionError extends Error {
  override name = 'GitRevisionError';
}

/** Where a file sits in its git repository, for reading it at other revisions. */
export interface GitFile {
  /** The repository's top folder. */
  root: string;
  /** The file's path from the top folder, with `/`, as `git show REV:PATH` takes it. */
  path: string;
}

/**
 * Finds the repository a file is in (the file itself may be missing from the working copy: it can still be read
 * at a revision). `label` is the path as the user gave it, for messages.
 */
export function gitFile(file: string, label: string): GitFile {
  const folder = dirname(file);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new GitRevisionError(`${label}: its folder ${folder} does not exist`);
  const root = git(folder, ['rev-parse', '--show-toplevel']);
  const prefix = git(folder, ['rev-parse', '--show-prefix']);
  if (!root.ok || !prefix.ok) {
    throw new GitRevisionError(
      `${label} is not in a git repository, so there are no revisions to compare (compare two files: groundwork diff A B)`,
    );
  }
  return { root: root.output, path: `${prefix.output}${basename(file)}` };
}

/** The file's text at `revision` (a commit, branch, tag, `HEAD~2`, ...). */
export function readAtRevision(file: GitFile, revision: string, label: string): string {
  // A revision that starts with `-` would be read by git as an option.
  const commit = revision.startsWith('-')
    ? undefined
    : git(file.root, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
  if (!commit?.ok) {
    throw new GitRevisionError(
      `${label}: no revision "${revision}" in the git repository ${file.root}${revision === 'HEAD' ? ' (nothing is committed yet)' : ''}`,
    );
  }
  const shown = git(file.root, ['show', `${commit.output}:${file.path}`], { trim: false });
  if (!shown.ok) throw new GitRevisionError(`${label}: the file is not in revision "${revision}" (as ${file.path})`);
  return shown.output;
}

type GitResult = { ok: true; output: string } | { ok: false };

function git(cwd: string, args: readonly string[], options: { trim?: boolean } = {}): GitResult {
  const result = spawnSync('git', args, { cwd: resolve(cwd), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new GitRevisionError(missing ? 'git is not installed (or not on PATH)' : `git: ${result.error.message}`);
  }
  if (result.status !== 0) return { ok: false };
  return { ok: true, output: options.trim === false ? result.stdout : result.stdout.trim() };
}
