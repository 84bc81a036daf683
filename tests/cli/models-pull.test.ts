/**
 * `groundwork models pull`, with the command mounted in-process from its source on a `groundwork models` program
 * (it is wired into the real one separately), a context writing to buffers, and the fake hub.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeHub, folderDigests, sha256, startFakeHub } from '../hub/fake-hub.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STORIES = resolve(ROOT, '../shared/models/stories260K');
const REPO = 'karpathy/stories260K';
const SOURCE = folderDigests(STORIES);
const FILES = Object.keys(SOURCE).sort();
// Imported by a path the type checker does not follow: the tests project may only see the server's built types.
const COMMAND = join(ROOT, 'packages/server/src/cli/models-pull-command.ts');

type CommandModule = typeof import('../../packages/server/dist/cli/models-pull-command.js');
let command: CommandModule;
let hub: FakeHub;
let privateHub: FakeHub | undefined;
let cwd: string;

beforeAll(async () => {
  command = (await import(COMMAND)) as CommandModule;
  hub = await startFakeHub({
    repos: { [REPO]: { root: STORIES, lfsThreshold: 100_000 } },
    faults: { corrupt: [{ repo: 'karpathy/corrupt', path: 'onnx/model.onnx' }], redirect: 'lfs' },
  });
});

afterAll(async () => {
  await hub.close();
});

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'groundwork-models-pull-'));
});

afterEach(async () => {
  await privateHub?.close();
  privateHub = undefined;
  rmSync(cwd, { recursive: true, force: true });
});

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** A stderr that says it is a terminal, as process.stderr does. */
  terminal?: { columns: number; onWrite?: (text: string) => void };
}

/** Runs `groundwork models pull ARGS` as runCli would: commander's own errors are usage errors (2). */
async function modelsPull(args: string[], options: RunOptions = {}): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const context = {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: {
      write: (text: string) => {
        stderr.push(text);
        options.terminal?.onWrite?.(text);
      },
      ...(options.terminal ? { isTTY: true, columns: options.terminal.columns } : {}),
    },
    cwd,
    color: false,
    signal: options.signal ?? new AbortController().signal,
    exitCode: 0,
  };
  const program = new Command('groundwork')
    .exitOverride()
    .configureOutput({ writeOut: context.stdout.write, writeErr: context.stderr.write });
  const models = program.command('models');
  const pull = command.modelsPullCommand(context, { env: { GROUNDWORK_HUB_URL: hub.url, ...options.env } });
  expect(pull.name()).toBe('pull');
  models.addCommand(pull.copyInheritedSettings(models));
  let exitCode: number;
  try {
    await program.parseAsync(['models', 'pull', ...args], { from: 'user' });
    exitCode = context.exitCode;
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    exitCode = error.exitCode === 0 ? 0 : 2;
  }
  return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');
const downloaded = (folder: string) => folderDigests(folder, { except: (path) => path === '.groundwork-pull.json' });
const sizeOf = (path: string) => readFileSync(join(STORIES, path)).length;
const human = (path: string) => (sizeOf(path) > 1000 ? /\d+(\.\d)? [kM]B/ : new RegExp(`${sizeOf(path)} B`));

describe('groundwork models pull', () => {
  it('downloads into ./models/<name>, a line per file on a non-terminal, then the summary and the next step', async () => {
    const result = await modelsPull([REPO]);
    expect(result.exitCode).toBe(0);
    expect(downloaded(join(cwd, 'models/stories260K'))).toEqual(SOURCE);

    const [start, ...files] = lines(result.stderr);
    expect(start).toMatch(
      new RegExp(`^Pulling ${REPO} \\(main\\): ${FILES.length} files, 1\\.\\d MB into models/stories260K$`),
    );
    expect(files.map((line) => line.split(' ')[1]).sort()).toEqual(FILES);
    for (const line of files) {
      const path = line.split(' ')[1]!;
      expect(line).toMatch(/^downloaded /);
      expect(line.slice(`downloaded ${path} (`.length)).toMatch(human(path));
    }
    expect(lines(result.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Pulled ${REPO} \\(main\\): ${FILES.length} files, 1\\.\\d MB in models/stories260K \\(1\\.\\d MB downloaded, 0 files already present\\)$`,
        ),
      ),
      'Next: groundwork models list',
    ]);
  });

  it('says the files of a second pull are already present', async () => {
    await modelsPull([REPO]);
    const downloads = hub.downloads().length;
    const result = await modelsPull([REPO]);
    expect(result.exitCode).toBe(0);
    expect(hub.downloads()).toHaveLength(downloads);
    expect(
      lines(result.stderr)
        .slice(1)
        .every((line) => line.startsWith('present    ')),
    ).toBe(true);
    expect(result.stdout).toContain(`(0 B downloaded, ${FILES.length} files already present)`);
  });

  it('takes --out, --include and --revision, and says how to list a folder outside ./models', async () => {
    const result = await modelsPull([
      REPO,
      '--out',
      'elsewhere/tiny',
      '--include',
      '*.json',
      '--include',
      'onnx/*.onnx',
      '--revision',
      'main',
    ]);
    expect(result.exitCode).toBe(0);
    expect(Object.keys(downloaded(join(cwd, 'elsewhere/tiny'))).sort()).toEqual(
      FILES.filter((path) => path !== 'LICENSE' && path !== 'README.md'),
    );
    expect(existsSync(join(cwd, 'models'))).toBe(false);
    expect(lines(result.stdout)[1]).toBe(
      'Next: groundwork models list (add elsewhere to GROUNDWORK_MODELS_PATH for it to be listed)',
    );
  });

  it('takes --dtype', async () => {
    const result = await modelsPull([REPO, '--dtype', 'fp32']);
    expect(result.exitCode).toBe(0);
    expect(Object.keys(downloaded(join(cwd, 'models/stories260K'))).sort()).toEqual(FILES);
  });

  it('draws a progress bar on a terminal, naming the files downloading, and clears it before the summary', async () => {
    // One file at a time, so that each is the one the bar names.
    const result = await modelsPull([REPO, '--concurrency', '1'], { terminal: { columns: 100 } });
    expect(result.exitCode).toBe(0);
    const frames = result.stderr.split('\r').filter((frame) => frame !== '');
    expect(frames.length).toBeGreaterThan(FILES.length);
    expect(frames[0]).toBe('[--------------------]    0%  0 B / 1.2 MB\u001b[K');
    expect(frames.some((frame) => /^\[#{20}\] +100% +1\.\d MB \/ 1\.\d MB/.test(frame))).toBe(true);
    for (const path of FILES) {
      expect(frames.some((frame) => frame.endsWith(`  ${path}\u001b[K`))).toBe(true);
    }
    expect(result.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(result.stderr).not.toContain('\n');
    expect(result.stdout).toContain(`Pulled ${REPO} (main)`);
  });

  it('keeps the bar within a narrow terminal, so that it redraws in place', async () => {
    const result = await modelsPull([REPO], { terminal: { columns: 40 } });
    expect(result.exitCode).toBe(0);
    const frames = result.stderr.split('\r').filter((frame) => frame !== '');
    for (const frame of frames) expect(frame.replace('\u001b[K', '').length).toBeLessThan(40);
  });

  it('finds the hub in HF_ENDPOINT when GROUNDWORK_HUB_URL is not set, as Hugging Face tools do', async () => {
    const before = hub.requests.length;
    const result = await modelsPull([REPO, '--include', 'config.json'], {
      env: { GROUNDWORK_HUB_URL: undefined, HF_ENDPOINT: hub.url },
    });
    expect(result.exitCode).toBe(0);
    expect(hub.requests.length).toBeGreaterThan(before);
  });

  it('sends HF_TOKEN to the hub', async () => {
    privateHub = await startFakeHub({ repos: { [REPO]: { root: STORIES, token: 'hf_secret' } } });
    const refused = await modelsPull([REPO], { env: { GROUNDWORK_HUB_URL: privateHub.url } });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('set HF_TOKEN to an access token');
    const result = await modelsPull([REPO], { env: { GROUNDWORK_HUB_URL: privateHub.url, HF_TOKEN: 'hf_secret' } });
    expect(result.exitCode).toBe(0);
  });
});

describe('groundwork models pull: failures', () => {
  it('exits 1 naming the file whose checksum fails, and keeps no such file', async () => {
    const corruptHub = await startFakeHub({
      repos: { [REPO]: { root: STORIES, lfsThreshold: 100_000 } },
      faults: { corrupt: [{ path: 'onnx/model.onnx' }] },
    });
    privateHub = corruptHub;
    const result = await modelsPull([REPO], { env: { GROUNDWORK_HUB_URL: corruptHub.url } });
    expect(result.exitCode).toBe(1);
    const expected = sha256(readFileSync(join(STORIES, 'onnx/model.onnx')));
    expect(lines(result.stderr).at(-1)).toMatch(
      new RegExp(`^groundwork: onnx/model\\.onnx is corrupt: expected sha256:${expected}, got sha256:[0-9a-f]{64}$`),
    );
    expect(result.stdout).toBe('');
    expect(existsSync(join(cwd, 'models/stories260K/onnx/model.onnx'))).toBe(false);
  });

  it('exits 1 for a repository the hub does not have', async () => {
    const result = await modelsPull(['nobody/missing']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      `groundwork: no model nobody/missing at revision main on ${hub.url} (Repository not found)\n`,
    );
  });

  it('exits 1 when the destination cannot be written', async () => {
    writeFileSync(join(cwd, 'taken'), 'a file, not a folder');
    const result = await modelsPull([REPO, '--out', 'taken']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^groundwork: cannot write the model to taken: /m);
  });

  it.each([
    [['gpt2'], /invalid for argument 'repo'\. "gpt2" is not a model repository id: expected owner\/name/],
    [['a/b/c'], /invalid for argument 'repo'/],
    [[], /missing required argument 'repo'/],
    [[REPO, '--dtype', 'q3'], /option '--dtype <dtype>' argument 'q3' is invalid\. Allowed choices are fp32, fp16, q8/],
    [[REPO, '--concurrency', '0'], /--concurrency/],
    [[REPO, '--include', ''], /--include/],
  ])('exits 2 for the usage error in %j, naming the argument', async (args, message) => {
    const before = hub.requests.length;
    const result = await modelsPull(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(hub.requests).toHaveLength(before);
  });

  it('exits 130 when cancelled, saying that running again resumes', async () => {
    const result = await modelsPull([REPO], { signal: AbortSignal.abort(new Error('interrupted (Ctrl-C)')) });
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toBe(
      'groundwork: the pull was cancelled; run the same command again to resume it (partial files stay in models/stories260K)\n',
    );
  });

  it('exits 130 when cancelled mid-download', async () => {
    const interrupt = new AbortController();
    const result = await modelsPull([REPO, '--concurrency', '1'], {
      signal: interrupt.signal,
      // The bar's first frame comes once the pull has started.
      terminal: { columns: 80, onWrite: () => interrupt.abort(new Error('interrupted (Ctrl-C)')) },
    });
    expect(result.exitCode).toBe(130);
    expect(lines(result.stderr).at(-1)).toContain('groundwork: the pull was cancelled');
    expect(result.stdout).toBe('');
  });
});
