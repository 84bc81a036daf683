/**
 * `groundwork models synth`, with the command mounted in-process from its source and a context standing in for the
 * process; the folder it writes is then listed by `models list` and generates in the engine.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxEngine } from '@groundwork/runtime/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Imported by paths the type checker does not follow: the tests project may only see the server's built types.
const SYNTH = join(ROOT, 'packages/server/src/cli/models-synth-command.ts');
const LIST = join(ROOT, 'packages/server/src/cli/models-list-command.ts');

type SynthModule = typeof import('../../packages/server/dist/cli/models-synth-command.js');
type ListModule = typeof import('../../packages/server/dist/cli/models-list-command.js');
let synth: SynthModule;
let list: ListModule;
let cwd: string;

beforeAll(async () => {
  synth = (await import(SYNTH)) as SynthModule;
  list = (await import(LIST)) as ListModule;
  cwd = mkdtempSync(join(tmpdir(), 'groundwork-models-synth-'));
});

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function context() {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  const value = {
    stdout: { write: (text: string) => out.stdout.push(text) },
    stderr: { write: (text: string) => out.stderr.push(text) },
    cwd,
    color: false,
    signal: new AbortController().signal,
    exitCode: 0,
  };
  return { value, out };
}

async function run(module: 'synth' | 'list', args: string[]) {
  const { value, out } = context();
  const command = module === 'synth' ? synth.modelsSynthCommand(value) : list.modelsListCommand(value, { env: {} });
  command.exitOverride().configureOutput({ writeErr: (text) => out.stderr.push(text) });
  try {
    await command.parseAsync(args, { from: 'user' });
  } catch {
    value.exitCode = 2;
  }
  return { exitCode: value.exitCode, stdout: out.stdout.join(''), stderr: out.stderr.join('') };
}

describe('groundwork models synth', () => {
  it('writes a folder that models list shows and the engine runs from token-id prompts', async () => {
    const made = await run('synth', ['tiny', '--out', 'models/tiny-fused', '--seed', '3']);
    expect(made.exitCode).toBe(0);
    expect(made.stdout).toMatch(
      /^wrote tiny \(fused, fp16, seed 3\): 107,072 parameters, \d+ kB in [\d.]+ s, to models\/tiny-fused\n$/,
    );
    expect(made.stderr).toMatch(/^weights 100% \(/m);
    const listed = await run('list', []);
    const row = listed.stdout.split('\n').find((line) => line.startsWith('tiny-fused'));
    expect(row?.split(/ {2,}/)).toEqual([
      'tiny-fused',
      'optimum',
      'fp16',
      expect.stringMatching(/kB$/),
      '512',
      'no',
      'models/tiny-fused',
    ]);

    const plain = await run('synth', ['tiny', '--out', 'models/tiny-plain', '--graph', 'plain', '--seed', '3']);
    expect(plain.exitCode).toBe(0);
    const split = await run('synth', ['tiny', '--out', 'models/tiny-split', '--form', 'split', '--seed', '3']);
    expect(split.stdout).toMatch(/^wrote tiny \(fused, split, fp16, seed 3\)/);
    const graphText = (name: string, file: string) =>
      readFileSync(join(cwd, 'models', name, 'onnx', file)).toString('latin1');
    expect(graphText('tiny-split', 'model_fp16.onnx')).toContain('RotaryEmbedding');
    expect(graphText('tiny-fused', 'model_fp16.onnx')).not.toContain('RotaryEmbedding');
    expect(graphText('tiny-fused', 'model_fp16.onnx')).toContain('qkv_proj');
    const engine = new OnnxEngine({ device: 'cpu', searchPaths: [join(cwd, 'models')] });
    try {
      const texts = await Promise.all(
        ['tiny-fused', 'tiny-plain', 'tiny-split'].map(async (name) => {
          const model = await engine.get(name);
          return (await model.generate({ prompt: 't5 t17 t3', maxTokens: 8 })).text;
        }),
      );
      expect(texts[0]).toMatch(/^( t\d+){8}$/);
      expect(texts[1]).toBe(texts[0]);
      expect(texts[2]).toBe(texts[0]);
    } finally {
      await engine.close();
    }
  });

  it('refuses an unknown shape (listing the shapes), a bad seed or graph, and a folder that holds something', async () => {
    const unknown = await run('synth', ['gpt-5', '--out', 'models/x']);
    expect(unknown).toMatchObject({ exitCode: 2, stdout: '' });
    expect(unknown.stderr).toBe('groundwork: unknown shape "gpt-5" (known shapes: qwen2.5-0.5b, llama-3.2-1b, tiny)\n');
    const seed = await run('synth', ['tiny', '--out', 'models/x', '--seed', 'abc']);
    expect(seed).toMatchObject({ exitCode: 2, stderr: 'groundwork: the seed must be a whole number ≥ 0, not abc\n' });
    const graph = await run('synth', ['tiny', '--out', 'models/x', '--graph', 'dense']);
    expect(graph.exitCode).toBe(2);
    expect(graph.stderr).toMatch(/argument 'dense' is invalid. Allowed choices are plain, fused/);
    const form = await run('synth', ['tiny', '--out', 'models/x', '--graph', 'plain', '--int4']);
    expect(form).toMatchObject({ exitCode: 2, stderr: 'groundwork: fused graph options need the fused graph\n' });
    expect(readdirSync(join(cwd, 'models')).includes('x')).toBe(false);

    mkdirSync(join(cwd, 'occupied'));
    writeFileSync(join(cwd, 'occupied', 'keep.txt'), 'mine');
    const occupied = await run('synth', ['tiny', '--out', 'occupied']);
    expect(occupied.exitCode).toBe(2);
    expect(occupied.stderr).toMatch(/occupied is not empty \(give a new or empty folder\)\n$/);
    expect(readdirSync(join(cwd, 'occupied'))).toEqual(['keep.txt']);
  });
});
