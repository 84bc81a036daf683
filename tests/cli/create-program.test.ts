/**
 * The CLI in-process, through runCli/createProgram of the built module, with a context standing in for the process:
 * what the child-process tests cannot pin down without timing (an interrupt that comes before anything runs).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'packages/server/dist/cli/main.js');

type CliModule = typeof import('../../packages/server/dist/cli/main.js');
let cli: CliModule;

function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    streams: {
      stdout: { write: (text: string) => stdout.push(text) },
      stderr: { write: (text: string) => stderr.push(text) },
    },
  };
}

beforeAll(async () => {
  if (!existsSync(MAIN))
    throw new Error('the CLI is not built: run node_modules/.bin/tsc -b in the repository root first');
  cli = (await import(MAIN)) as CliModule;
});

describe('createProgram', () => {
  it('registers validate, run, diff, history, models (list, pull, synth), serve, keys, datasets (import, list), eval, groundedness and collections (create, add, search, list, remove, delete)', () => {
    const program = cli.createProgram(cli.createContext());
    expect(program.commands.map((command) => command.name())).toEqual([
      'validate',
      'run',
      'diff',
      'history',
      'models',
      'serve',
      'keys',
      'datasets',
      'eval',
      'groundedness',
      'collections',
    ]);
    const models = program.commands.find((command) => command.name() === 'models')!;
    expect(models.commands.map((command) => command.name())).toEqual(['list', 'pull', 'synth']);
    const datasets = program.commands.find((command) => command.name() === 'datasets')!;
    expect(datasets.commands.map((command) => command.name())).toEqual(['import', 'list']);
    const collections = program.commands.find((command) => command.name() === 'collections')!;
    expect(collections.commands.map((command) => command.name())).toEqual([
      'create',
      'add',
      'search',
      'list',
      'remove',
      'delete',
    ]);
  });

  it('a run whose signal is aborted (Ctrl-C) ends cancelled with exit 130', async () => {
    const output = capture();
    const interrupt = new AbortController();
    interrupt.abort();
    const context = cli.createContext({ ...output.streams, cwd: ROOT, color: false, signal: interrupt.signal });
    const code = await cli.runCli(
      ['run', 'examples/support-triage.flow.yaml', '-i', 'message=hi', '--events'],
      context,
    );
    expect(code).toBe(130);
    const events = output.stdout
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events.map((event) => event.type)).toEqual(['run-start', 'run-end']);
    expect(events[1]).toMatchObject({ status: 'cancelled' });
    expect(output.stderr.join('')).toBe('groundwork: the run was cancelled\n');
  });

  it('help goes to the context, with exit 0', async () => {
    const output = capture();
    const code = await cli.runCli(['run', '--help'], cli.createContext({ ...output.streams, cwd: ROOT }));
    expect(code).toBe(0);
    expect(output.stdout.join('')).toContain('--variant <node=variant>');
  });
});
