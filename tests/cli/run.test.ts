/**
 * `groundwork run`, run as the built command in a child process (build first: node_modules/.bin/tsc -b).
 */
import { type ExecFileException, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '@groundwork/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenText, readGolden, STORIES_260K } from '../../packages/runtime/src/testing/model-fixtures.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'packages/server/bin/groundwork.js');
const ENV = { ...process.env, NO_COLOR: '1' };

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function groundwork(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: options.cwd ?? ROOT, env: options.env ?? ENV },
      (error: ExecFileException | null, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

const events = (stdout: string): RunEvent[] =>
  stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RunEvent);

let dir: string;

function writeTemp(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'packages/server/dist/cli/main.js'))) {
    throw new Error('the CLI is not built: run node_modules/.bin/tsc -b in the repository root first');
  }
  dir = mkdtempSync(join(tmpdir(), 'groundwork-run-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('groundwork run: the examples', () => {
  const triage = 'examples/support-triage.flow.yaml';

  it('support-triage routes a billing message down the billing branch', async () => {
    const result = await groundwork([
      'run',
      triage,
      '--input',
      'message=I was charged twice, please refund',
      '--input',
      'customer=Ana',
    ]);
    expect(result).toEqual({
      code: 0,
      stdout: `${JSON.stringify(
        {
          category: 'billing',
          reply:
            'Dear Ana, we have opened a billing case about your message: "I was charged twice, please refund". Our billing team replies within two business days.',
        },
        null,
        2,
      )}\n`,
      stderr: '',
    });
  });

  it('support-triage takes the bug and the default branch, with the default customer', async () => {
    const bug = await groundwork(['run', triage, '-i', 'message=The app crashes on start']);
    expect(JSON.parse(bug.stdout)).toEqual({
      category: 'bug',
      reply: 'Hi there, thanks for the bug report. Engineering has it: "The app crashes on start"',
    });
    const general = await groundwork(['run', triage, '-i', 'message=Do you have a dark mode?']);
    expect(JSON.parse(general.stdout)).toEqual({
      category: 'general',
      reply: 'Hi there, thanks for writing. A support agent will read: "Do you have a dark mode?"',
    });
  });

  it('--variant picks a variant of a node', async () => {
    const result = await groundwork([
      'run',
      triage,
      '-i',
      'message=wrong invoice',
      '--variant',
      'billing_reply=friendly',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).reply).toBe(
      'Hi there! Sorry about the billing trouble. We are on it: "wrong invoice"',
    );
  });

  it('--variant with an unknown variant is a bad request (exit 2)', async () => {
    const result = await groundwork(['run', triage, '-i', 'message=x', '--variant', 'billing_reply=casual']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'variants.billing_reply: node "billing_reply" has no variant "casual" (variants: formal, friendly)\n',
    });
  });

  it('parallel-review collects three parallel checks; maxWords is converted to a number', async () => {
    const approved = await groundwork([
      'run',
      'examples/parallel-review.flow.yaml',
      '-i',
      'draft=We ship the new search next week. It is faster.',
    ]);
    expect(JSON.parse(approved.stdout)).toEqual({
      verdict: 'approve',
      checks: [
        { check: 'length', ok: true, note: '10 of 40 words' },
        { check: 'tone', ok: true, note: '0 exclamation marks' },
        { check: 'jargon', ok: true, note: 'looked for synergy, leverage, paradigm' },
      ],
      report:
        'Verdict: approve\n- length: ok (10 of 40 words)\n- tone: ok (0 exclamation marks)\n- jargon: ok (looked for synergy, leverage, paradigm)\n',
    });
    const revised = await groundwork([
      'run',
      'examples/parallel-review.flow.yaml',
      '-i',
      'draft=LEVERAGE OUR SYNERGY NOW!!!',
      '-i',
      'maxWords=3',
    ]);
    expect(JSON.parse(revised.stdout)).toMatchObject({
      verdict: 'revise',
      checks: [
        { check: 'length', ok: false, note: '4 of 3 words' },
        { check: 'tone', ok: false, note: '3 exclamation marks' },
        { check: 'jargon', ok: false },
      ],
    });
  });

  it('batch-summaries maps an inline sub-flow and a referenced file over a list from --inputs-json @file', async () => {
    const inputs = writeTemp(
      'articles.json',
      JSON.stringify({
        articles: [
          { title: 'Local models', body: 'Small models now run on laptops. They are fast.' },
          { title: 'Flows in git', body: 'Flow files read well in diffs. Reviews get easier. Teams like it.' },
        ],
      }),
    );
    const result = await groundwork(['run', 'examples/batch-summaries.flow.yaml', '--inputs-json', `@${inputs}`]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      summaries: ['LOCAL MODELS: Small models now run on laptops.', 'FLOWS IN GIT: Flow files read well in diffs.'],
      wordCounts: [9, 12],
      digest:
        '1. LOCAL MODELS: Small models now run on laptops. (9 words)\n2. FLOWS IN GIT: Flow files read well in diffs. (12 words)\n',
    });
  });

  it('story continues each golden prompt with the golden text on stories260K (--model), naming the device on stderr', async () => {
    for (const entry of readGolden()) {
      const result = await groundwork([
        'run',
        'examples/story.flow.yaml',
        '--model',
        STORIES_260K,
        '-i',
        `prompt=${entry.prompt}`,
      ]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ story: goldenText(entry) });
      expect(result.stderr).toMatch(/^groundwork: model stories260K \(fp32\) runs on cpu \(cuda: .+; webgpu: .+\)\n$/);
    }
  });

  it('streams the story as node-token events with --events', async () => {
    const entry = readGolden()[0]!;
    const result = await groundwork([
      'run',
      'examples/story.flow.yaml',
      '--model',
      STORIES_260K,
      '-i',
      `prompt=${entry.prompt}`,
      '--events',
    ]);
    const seen = events(result.stdout);
    const tokens = seen.filter((event) => event.type === 'node-token');
    expect(tokens.length).toBeGreaterThan(20);
    expect(tokens.map((event) => event.type === 'node-token' && event.text).join('')).toBe(goldenText(entry));
    expect(seen.find((event) => event.type === 'node-end' && event.nodeId === 'write')).toMatchObject({
      usage: { inputTokens: 5, outputTokens: 48 },
    });
  });

  it('story fails at its llm node, saying where it looked, when no model is given or found (exit 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'groundwork-no-models-'));
    const env = { ...ENV, GROUNDWORK_MODELS_PATH: '' };
    const result = await groundwork(['run', join(ROOT, 'examples/story.flow.yaml'), '-i', 'prompt=a fox in the snow'], {
      cwd: dir,
      env,
    });
    rmSync(dir, { recursive: true, force: true });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^groundwork: the run failed at node "write": no model found in .+; give one \(the CLI's --model PATH\) or add a model folder there \[no-default-model\]\n$/,
    );
  });

  it('names an unknown model (exit 1) and refuses an unknown device (exit 2)', async () => {
    const unknown = await groundwork(['run', 'examples/story.flow.yaml', '-i', 'prompt=x', '--model', 'no-such-model']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no model named "no-such-model".*\[unknown-model\]\n$/);
    const device = await groundwork(['run', 'examples/story.flow.yaml', '-i', 'prompt=x', '--device', 'tpu']);
    expect(device).toEqual({
      code: 2,
      stdout: '',
      stderr: 'groundwork: --device: device "tpu" is not one of auto, cpu, webgpu, cuda\n',
    });
  });
});

describe('groundwork run: inputs', () => {
  let typed: string;

  beforeAll(() => {
    typed = writeTemp(
      'typed.flow.yaml',
      [
        'schemaVersion: 1',
        'name: typed',
        'inputs:',
        '  n: { type: number }',
        '  flag: { type: boolean }',
        '  data: { type: json }',
        '  tags: { type: "list<text>" }',
        '  note: { type: text, default: none }',
        'outputs:',
        '  echo: { type: json }',
        'nodes:',
        '  - { id: n, type: input, config: { name: n } }',
        '  - { id: flag, type: input, config: { name: flag } }',
        '  - { id: data, type: input, config: { name: data } }',
        '  - { id: tags, type: input, config: { name: tags } }',
        '  - { id: note, type: input, config: { name: note } }',
        '  - { id: all, type: collect, config: { ports: [n, flag, data, tags, note] } }',
        '  - { id: echo, type: output, config: { name: echo } }',
        'edges:',
        '  - { from: n.value, to: all.n }',
        '  - { from: flag.value, to: all.flag }',
        '  - { from: data.value, to: all.data }',
        '  - { from: tags.value, to: all.tags }',
        '  - { from: note.value, to: all.note }',
        '  - { from: all.object, to: echo.value }',
        '',
      ].join('\n'),
    );
  });

  it('converts --input values by the declared type; --input overrides --inputs-json', async () => {
    const result = await groundwork([
      'run',
      typed,
      '--inputs-json',
      '{"n": 1, "flag": false, "data": null, "tags": [], "note": "from json"}',
      '-i',
      'n=2.5',
      '-i',
      'flag=TRUE',
      '-i',
      'data={"k": [1, "v"]}',
      '-i',
      'tags=["a", "b"]',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      echo: { n: 2.5, flag: true, data: { k: [1, 'v'] }, tags: ['a', 'b'], note: 'from json' },
    });
  });

  it.each([
    [['n=abc'], 'groundwork: --input n: input "n" is number; "abc" is not a number'],
    [['n=1', 'flag=yes'], 'groundwork: --input flag: input "flag" is boolean; "yes" is not true or false'],
    [['n=1', 'flag=true', 'data={oops'], 'groundwork: --input data: input "data" is json; the value must be JSON ('],
  ])('names the input whose value does not convert: %j (exit 2)', async (assignments, message) => {
    const result = await groundwork(['run', typed, ...assignments.flatMap((assignment) => ['-i', assignment])]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith(message)).toBe(true);
  });

  it('prints the run request problems one per line (exit 2)', async () => {
    const result = await groundwork(['run', typed, '-i', 'n=1', '-i', 'tags=[1]', '-i', 'extra=x']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'inputs.extra: the flow has no input "extra" (inputs: n, flag, data, tags, note)',
        'inputs.flag: is required (boolean)',
        'inputs.data: is required (json)',
        'inputs.tags: item 0: expected text, got number 1',
        '',
      ].join('\n'),
    });
  });

  it('a required input left out is reported by name', async () => {
    const result = await groundwork(['run', 'examples/support-triage.flow.yaml']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'inputs.message: is required (text)\n' });
  });

  it.each([
    [['--input', 'foo'], "option '-i, --input <name=value>' argument 'foo' is invalid"],
    [['--variant', 'novalue'], "option '--variant <node=variant>' argument 'novalue' is invalid"],
    [['--concurrency', '0'], "option '--concurrency <n>' argument '0' is invalid"],
    [['--inputs-json', '[1]'], 'groundwork: --inputs-json: expected a JSON object'],
    [['--inputs-json', '@/no/such/inputs.json'], 'groundwork: --inputs-json: cannot read /no/such/inputs.json'],
    [['--bogus'], "unknown option '--bogus'"],
  ])('bad usage %j exits 2 naming the argument', async (args, message) => {
    const result = await groundwork(['run', 'examples/support-triage.flow.yaml', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });
});

describe('groundwork run: outcomes', () => {
  it('--events prints each event as a JSON line, in order, ending with run-end and the outputs', async () => {
    const result = await groundwork([
      'run',
      'examples/lib/word-count.flow.yaml',
      '-i',
      'text=one two three',
      '--events',
    ]);
    expect(result.code).toBe(0);
    const seen = events(result.stdout);
    expect(seen.map((event) => `${event.type}${'nodeId' in event ? ` ${event.nodeId}` : ''}`)).toEqual([
      'run-start',
      'node-start text',
      'node-end text',
      'node-start count',
      'node-end count',
      'node-start words',
      'node-end words',
      'run-end',
    ]);
    expect(seen.map((event) => event.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(seen.map((event) => event.runId)).size).toBe(1);
    expect(seen.at(-1)).toMatchObject({ type: 'run-end', status: 'succeeded', outputs: { words: 3 } });
  });

  it('--events shows the branches not taken as node-skip events', async () => {
    const result = await groundwork(['run', 'examples/support-triage.flow.yaml', '-i', 'message=crash', '--events']);
    const seen = events(result.stdout);
    const skipped = seen.flatMap((event) => (event.type === 'node-skip' ? [event.nodeId] : []));
    expect(skipped.sort()).toEqual(['billing_reply', 'general_reply']);
    expect(seen[0]?.type).toBe('run-start');
    expect(seen.at(-1)).toMatchObject({ type: 'run-end', status: 'succeeded', outputs: { category: 'bug' } });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);
  });

  it('a failing node fails the run: exit 1, the node and message on stderr, nothing on stdout', async () => {
    const flow = writeTemp(
      'failing.flow.yaml',
      [
        'schemaVersion: 1',
        'name: failing',
        'inputs:',
        '  n: { type: number }',
        'outputs:',
        '  r: { type: text }',
        'nodes:',
        '  - { id: n, type: input, config: { name: n } }',
        '  - { id: double, type: transform, config: { expression: "n * 2", type: text } }',
        '  - { id: r, type: output, config: { name: r } }',
        'edges:',
        '  - { from: n.value, to: double.n }',
        '  - { from: double.value, to: r.value }',
        '',
      ].join('\n'),
    );
    const result = await groundwork(['run', flow, '-i', 'n=21']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `groundwork: the run failed at node "double": the expression's result does not match type text: expected text, got number 42 [output-type]\n`,
    });
  });

  it('an invalid flow is not run: its problems go to stderr (exit 1)', async () => {
    const flow = writeTemp('invalid.flow.yaml', 'schemaVersion: 1\nname: invalid\nnodes:\n  - { id: a, type: nope }\n');
    const result = await groundwork(['run', flow]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^\/.*invalid\.flow\.yaml: node "a" \(nodes\[0\]\.type\): unknown node type "nope"/);
  });

  it('a missing file is one line naming it (exit 1)', async () => {
    const result = await groundwork(['run', 'examples/no-such.flow.yaml']);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'examples/no-such.flow.yaml: cannot read the file: it does not exist\n',
    });
  });

  it('Ctrl-C (SIGINT) cancels the run: run-end cancelled, exit 130', async () => {
    // A long run without a model: a map over 200,000 items, one at a time. Every node completes synchronously, so
    // this also proves the scheduler lets the event loop (and so the SIGINT handler) take turns during such a run.
    const flow = writeTemp(
      'slow.flow.yaml',
      [
        'schemaVersion: 1',
        'name: slow',
        'inputs:',
        '  n: { type: number }',
        'outputs:',
        '  r: { type: list<number> }',
        'nodes:',
        '  - { id: n, type: input, config: { name: n } }',
        '  - { id: items, type: transform, config: { expression: "range(n) | list", type: list<number> } }',
        '  - id: each',
        '    type: map',
        '    config:',
        '      concurrency: 1',
        '      flow:',
        '        inputs: { x: { type: number } }',
        '        outputs: { y: { type: number } }',
        '        nodes:',
        '          - { id: x, type: input, config: { name: x } }',
        '          - { id: double, type: transform, config: { expression: "x * 2", type: number } }',
        '          - { id: y, type: output, config: { name: y } }',
        '        edges:',
        '          - { from: x.value, to: double.x }',
        '          - { from: double.value, to: y.value }',
        '  - { id: r, type: output, config: { name: r } }',
        'edges:',
        '  - { from: n.value, to: items.n }',
        '  - { from: items.value, to: each.items }',
        '  - { from: each.y, to: r.value }',
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, [BIN, 'run', flow, '-i', 'n=200000', '--events'], { cwd: ROOT, env: ENV });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const started = Date.now();
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      // Interrupt once the items are under way. Only once: a second Ctrl-C exits at once, without the run-end event.
      if (!interrupted && stdout.includes('"scope":"each[5]"')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await exited;
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(code).toBe(130);
    const seen = events(stdout);
    expect(seen.at(-1)).toMatchObject({ type: 'run-end', status: 'cancelled', error: { code: 'cancelled' } });
    // Cancelled well before the end: far fewer than the 600,000 item nodes ran.
    expect(seen.filter((event) => event.type === 'node-end').length).toBeLessThan(300_000);
    expect(stderr).toBe('groundwork: the run was cancelled\n');
  });
});
