/**
 * `groundwork models list`, with the command mounted in-process from its source (it is wired into the program
 * separately) and a context and environment standing in for the process.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelSummary } from '@groundwork/runtime/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STORIES = join(ROOT, '../shared/models/stories260K');
const STORIES_ONNX = join(STORIES, 'onnx/model.onnx');
// Imported by a path the type checker does not follow: the tests project may only see the server's built types.
const COMMAND = join(ROOT, 'packages/server/src/cli/models-list-command.ts');

type CommandModule = typeof import('../../packages/server/dist/cli/models-list-command.js');
let command: CommandModule;
let temp: string;

beforeAll(async () => {
  command = (await import(COMMAND)) as CommandModule;
  temp = mkdtempSync(join(tmpdir(), 'groundwork-models-list-'));
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

/** A copy of stories260K (graph linked, not copied) with extra files, and some left out. */
function stories(dir: string, options: { without?: string[]; extra?: Record<string, string> } = {}): void {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const file of ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'])
    if (!options.without?.includes(file)) writeFileSync(join(dir, file), readFileSync(join(STORIES, file)));
  symlinkSync(STORIES_ONNX, join(dir, 'onnx/model.onnx'));
  for (const [file, text] of Object.entries(options.extra ?? {})) writeFileSync(join(dir, file), text);
}

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function modelsList(args: string[], cwd: string, modelsPath?: string): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const context = {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    cwd,
    color: false,
    signal: new AbortController().signal,
    exitCode: 0,
  };
  const env = modelsPath === undefined ? {} : { GROUNDWORK_MODELS_PATH: modelsPath };
  const list = command.modelsListCommand(context, { env });
  expect(list.name()).toBe('list');
  await list.parseAsync(args, { from: 'user' });
  return { exitCode: context.exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}

describe('groundwork models list', () => {
  let cwd: string;
  let elsewhere: string;

  beforeAll(() => {
    cwd = join(temp, 'project');
    elsewhere = join(temp, 'elsewhere');
    stories(join(cwd, 'models', 'stories'));
    stories(join(cwd, 'models', 'chatty'), {
      extra: { 'chat_template.jinja': '{{ messages }}', 'onnx/model_q4.onnx': 'q4', 'onnx/model_fp16.onnx': 'fp16' },
    });
    stories(join(cwd, 'models', 'broken'), { without: ['tokenizer.json'] });
    stories(join(elsewhere, 'far'));
  });

  it('prints a table of the models, with unusable ones and their problem', async () => {
    const { exitCode, stdout, stderr } = await modelsList([], cwd, elsewhere);
    expect([exitCode, stderr]).toEqual([0, '']);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +LAYOUT +DTYPE +SIZE +CONTEXT +CHAT +PATH$/);
    const rows = lines.slice(1).map((line) => line.split(/ {2,}/));
    expect(rows).toEqual([
      ['broken', '-', '-', '-', '-', '-', 'models/broken'],
      ['', 'unusable: no tokenizer.json (a model folder needs the tokenizer it was trained with)'],
      ['chatty', 'optimum', 'fp32 (fp16, q4)', '1.2 MB', '512', 'yes', 'models/chatty'],
      ['far', 'optimum', 'fp32', '1.2 MB', '512', 'no', join(elsewhere, 'far')],
      ['stories', 'optimum', 'fp32', '1.2 MB', '512', 'no', 'models/stories'],
    ]);
    // Columns line up: every row's PATH starts where the header's does.
    const pathColumn = lines[0]!.indexOf('PATH');
    const paths: [number, string][] = [
      [1, 'models/broken'],
      [3, 'models/chatty'],
      [4, join(elsewhere, 'far')],
      [5, 'models/stories'],
    ];
    for (const [index, path] of paths) expect(lines[index]!.indexOf(path)).toBe(pathColumn);
  });

  it('prints the list as JSON with --json', async () => {
    const { exitCode, stdout } = await modelsList(['--json'], cwd, elsewhere);
    expect(exitCode).toBe(0);
    const listed = JSON.parse(stdout) as ModelSummary[];
    expect(listed.map((model) => model.name)).toEqual(['broken', 'chatty', 'far', 'stories']);
    expect(listed[3]).toEqual({
      name: 'stories',
      path: join(cwd, 'models', 'stories'),
      layout: 'optimum',
      dtype: 'fp32',
      dtypes: ['fp32'],
      sizeBytes: statSync(STORIES_ONNX).size,
      contextLength: 512,
      hasChatTemplate: false,
    });
    expect(listed[1]).toMatchObject({ dtypes: ['fp32', 'fp16', 'q4'], hasChatTemplate: true });
    expect(listed[0]).toEqual({
      name: 'broken',
      path: join(cwd, 'models', 'broken'),
      problem: 'no tokenizer.json (a model folder needs the tokenizer it was trained with)',
    });
  });

  it('says where it looked and how to add a model when there is none', async () => {
    const empty = join(temp, 'empty-project');
    mkdirSync(join(empty, 'models'), { recursive: true });
    const { exitCode, stdout } = await modelsList([], empty, join(temp, 'not-there'));
    expect(exitCode).toBe(0);
    expect(stdout).toBe(
      `No models found (searched models, ${join(temp, 'not-there')} (does not exist)).\n` +
        'Add one with `groundwork models pull REPO_ID`, copy a model folder into ./models, ' +
        "or set GROUNDWORK_MODELS_PATH to folders that hold models (separated by ':').\n",
    );
    const json = await modelsList(['--json'], empty);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });

  it('names ./models as missing when it does not exist', async () => {
    const bare = join(temp, 'bare-project');
    mkdirSync(bare, { recursive: true });
    const { stdout } = await modelsList([], bare);
    expect(stdout).toMatch(/^No models found \(searched models \(does not exist\)\)\.\n/);
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal below 100', () => {
    const cases: [number, string][] = [
      [0, '0 B'],
      [999, '999 B'],
      [1000, '1.0 kB'],
      [1_195_087, '1.2 MB'],
      [12_345_678, '12.3 MB'],
      [999_600, '1.0 MB'],
      [123_456_789, '123 MB'],
      [4_500_000_000, '4.5 GB'],
    ];
    for (const [bytes, text] of cases) expect(command.formatBytes(bytes)).toBe(text);
  });
});
