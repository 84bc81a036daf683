/**
 * A real Groundwork server for HTTP tests: the built `groundwork serve` in a child process on loopback, with a
 * temporary database and a models folder holding stories260K (read in place from ../shared, never copied).
 * Build first (`tsc -b`; `npm test` does).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'packages/server/bin/groundwork.js');
export const STORIES_260K = join(ROOT, '..', 'shared', 'models', 'stories260K');

export interface ServerOptions {
  /** The database file; a new one in a temporary folder by default. */
  db?: string;
  /** Extra arguments for `groundwork serve`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface ServerProcess {
  url: string;
  db: string;
  /** A folder with stories260K in it, on the server's GROUNDWORK_MODELS_PATH. */
  models: string;
  child: ChildProcess;
  /** What the server printed to stderr so far (its JSON log). */
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL, as a crash: nothing gets to clean up. */
  kill(): Promise<void>;
}

/** A fresh temporary folder with a `models/stories260K` link for GROUNDWORK_MODELS_PATH. */
export function modelsFolder(): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'groundwork-models-')), 'models');
  mkdirSync(folder);
  symlinkSync(STORIES_260K, join(folder, 'stories260K'));
  return folder;
}

export async function startServer(options: ServerOptions = {}): Promise<ServerProcess> {
  const db = options.db ?? join(mkdtempSync(join(tmpdir(), 'groundwork-db-')), 'groundwork.db');
  const models = modelsFolder();
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--db', db, '--device', 'cpu', ...(options.args ?? [])],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        GROUNDWORK_MODELS_PATH: models,
        GROUNDWORK_LOG_LEVEL: 'info',
        NO_COLOR: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const match = /running at (http:\/\/[^/\s]+)\//.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${stderr}`)));
  });
  return {
    url,
    db,
    models,
    child,
    stderr: () => stderr,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** JSON request helper: the parsed body (or text when it is not JSON) and the status. */
export async function request(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies of every shape.
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: response.status, body: parsed, headers: response.headers };
}
