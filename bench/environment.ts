import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

export interface Environment {
  date: string;
  machine: string;
  node: string;
  commit: string;
}

/** When, on what and at which commit a benchmark ran, as docs/benchmarks.md records it. */
export function environment(cwd = process.cwd()): Environment {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim()
    )
      commit += ' (with uncommitted changes)';
  } catch {}
  return {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores`,
    node: process.version,
    commit,
  };
}
