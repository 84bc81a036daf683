/**
 * The built `groundwork` command in a child process, for the diff, history and seed tests. Build first
 * (node_modules/.bin/tsc -b).
 */
import { type ExecFileException, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'packages/server/bin/groundwork.js');

/**
 * The environment of a command whose output goes to a pipe, without the settings that would change what the tests
 * see (colour, the default database).
 */
export function plainEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NO_COLOR: _n, FORCE_COLOR: _f, GROUNDWORK_DB: _d, ...env } = process.env;
  return { ...env, ...extra };
}

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

export function groundwork(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? ROOT, env: options.env ?? plainEnv() },
      (error: ExecFileException | null, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'packages/server/dist/cli/main.js'))) {
    throw new Error('the CLI is not built: run node_modules/.bin/tsc -b in the repository root first');
  }
}

/** Whether text holds ANSI colour codes. */
export const hasColor = (text: string) => text.includes('\u001b[');
