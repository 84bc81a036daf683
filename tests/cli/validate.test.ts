/**
 * `groundwork validate`, run as the built command in a child process (build first: node_modules/.bin/tsc -b).
 */
import { type ExecFileException, execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'packages/server/bin/groundwork.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function groundwork(args: string[], cwd = ROOT): Promise<Outcome> {
  return new Promise((resolve) => {
    const env = { ...process.env, NO_COLOR: '1' };
    execFile(process.execPath, [BIN, ...args], { cwd, env }, (error: ExecFileException | null, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

let dir: string;

function write(files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** A sub-flow file with one text input and one output, optionally running another file as a sub-flow. */
function textFlow(name: string, ref?: string): string {
  const inner = ref
    ? [
        `  - { id: inner, type: subflow, config: { flow: { ref: ${ref} } } }`,
        '  - { id: y, type: output, config: { name: y } }',
      ]
    : ['  - { id: y, type: output, config: { name: y } }'];
  const edges = ref
    ? ['  - { from: x.value, to: inner.x }', '  - { from: inner.y, to: y.value }']
    : ['  - { from: x.value, to: y.value }'];
  return [
    'schemaVersion: 1',
    `name: ${name}`,
    'inputs:',
    '  x: { type: text }',
    'outputs:',
    '  y: { type: text }',
    'nodes:',
    '  - { id: x, type: input, config: { name: x } }',
    ...inner,
    'edges:',
    ...edges,
    '',
  ].join('\n');
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'packages/server/dist/cli/main.js'))) {
    throw new Error('the CLI is not built: run node_modules/.bin/tsc -b in the repository root first');
  }
  dir = mkdtempSync(join(tmpdir(), 'groundwork-validate-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('groundwork validate', () => {
  it('accepts every example and prints one line per file', async () => {
    const files = [
      'examples/batch-summaries.flow.yaml',
      'examples/parallel-review.flow.yaml',
      'examples/story.flow.yaml',
      'examples/support-triage.flow.yaml',
      'examples/lib/word-count.flow.yaml',
    ];
    const result = await groundwork(['validate', ...files]);
    expect(result).toEqual({ code: 0, stdout: files.map((file) => `✓ ${file}\n`).join(''), stderr: '' });
  });

  it('prints every problem of every file prefixed by its path, and exits 1', async () => {
    write({
      'bad.flow.yaml': [
        'schemaVersion: 1',
        'name: bad',
        'inputs:',
        '  q: { type: text }',
        'outputs:',
        '  a: { type: text }',
        '  b: { type: text }',
        'nodes:',
        '  - { id: q, type: input, config: { name: q } }',
        '  - { id: t, type: transfrom, config: { expression: q } }',
        '  - { id: o, type: output, config: { name: a } }',
        'edges:',
        '  - { from: q.value, to: o.value }',
        '  - { from: q.value, to: nowhere.x }',
        '',
      ].join('\n'),
      'syntax.flow.yaml': 'schemaVersion: 1\nname: [oops\n',
      'good.flow.yaml': textFlow('good'),
    });
    const result = await groundwork(['validate', 'bad.flow.yaml', 'good.flow.yaml', 'syntax.flow.yaml'], dir);
    expect(result.code).toBe(1);
    const printed = lines(result.stdout);
    expect(printed).toHaveLength(5);
    expect(printed[0]).toMatch(
      /^bad\.flow\.yaml: node "t" \(nodes\[1\]\.type\): unknown node type "transfrom" \(did you mean "transform"\?\)/,
    );
    expect(printed[1]).toBe('bad.flow.yaml: edge q.value -> nowhere.x (edges[1].to): to: there is no node "nowhere"');
    expect(printed[2]).toBe('bad.flow.yaml: outputs.b: output "b" is declared but no output node sets it');
    expect(printed[3]).toBe('✓ good.flow.yaml');
    expect(printed[4]).toMatch(
      /^syntax\.flow\.yaml: .*Flow sequence in block collection must be sufficiently indented/,
    );
    expect(result.stderr).toBe('');
  });

  it('reports a missing file in one line naming it, without a stack trace', async () => {
    const result = await groundwork(['validate', 'examples/no-such.flow.yaml', 'examples/story.flow.yaml']);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      'examples/no-such.flow.yaml: cannot read the file: it does not exist',
      '✓ examples/story.flow.yaml',
    ]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('resolves refs relative to the file that holds them, through inline sub-flows and nested files', async () => {
    write({
      // main -> lib/middle (relative to main) -> ../shared/leaf (relative to middle); and an inline map
      // sub-flow in main that refers to shared/leaf relative to main.
      'refs/main.flow.yaml': [
        'schemaVersion: 1',
        'name: main',
        'inputs:',
        '  words: { type: "list<text>" }',
        'outputs:',
        '  direct: { type: text }',
        '  mapped: { type: "list<text>" }',
        'nodes:',
        '  - { id: words, type: input, config: { name: words } }',
        '  - { id: first, type: transform, config: { expression: "words[0]", type: text } }',
        '  - { id: middle, type: subflow, config: { flow: { ref: ./lib/middle.flow.yaml } } }',
        '  - id: each',
        '    type: map',
        '    config:',
        '      flow:',
        '        inputs: { x: { type: text } }',
        '        outputs: { y: { type: text } }',
        '        nodes:',
        '          - { id: x, type: input, config: { name: x } }',
        '          - { id: leaf, type: subflow, config: { flow: { ref: ./shared/leaf.flow.yaml } } }',
        '          - { id: y, type: output, config: { name: y } }',
        '        edges:',
        '          - { from: x.value, to: leaf.x }',
        '          - { from: leaf.y, to: y.value }',
        '  - { id: direct, type: output, config: { name: direct } }',
        '  - { id: mapped, type: output, config: { name: mapped } }',
        'edges:',
        '  - { from: words.value, to: first.words }',
        '  - { from: first.value, to: middle.x }',
        '  - { from: middle.y, to: direct.value }',
        '  - { from: words.value, to: each.items }',
        '  - { from: each.y, to: mapped.value }',
        '',
      ].join('\n'),
      'refs/lib/middle.flow.yaml': textFlow('middle', '../shared/leaf.flow.yaml'),
      'refs/shared/leaf.flow.yaml': textFlow('leaf'),
    });
    const checked = await groundwork(['validate', 'refs/main.flow.yaml'], dir);
    expect(checked).toEqual({ code: 0, stdout: '✓ refs/main.flow.yaml\n', stderr: '' });

    const ran = await groundwork(['run', 'refs/main.flow.yaml', '--input', 'words=["a","b"]'], dir);
    expect(ran.code).toBe(0);
    expect(JSON.parse(ran.stdout)).toEqual({ direct: 'a', mapped: ['a', 'b'] });
  });

  it('reports problems of referenced files under their own path, and reference cycles', async () => {
    write({
      'cycle/a.flow.yaml': textFlow('a', './b.flow.yaml'),
      'cycle/b.flow.yaml': textFlow('b', './a.flow.yaml'),
      'broken/top.flow.yaml': textFlow('top', './parts/broken.flow.yaml'),
      'broken/parts/broken.flow.yaml': 'schemaVersion: 1\nname: broken\nnodes: {}\n',
      'absent/top.flow.yaml': textFlow('top', './gone.flow.yaml'),
    });
    const cycle = await groundwork(['validate', 'cycle/a.flow.yaml'], dir);
    expect(cycle.code).toBe(1);
    expect(lines(cycle.stdout)).toEqual([
      'cycle/a.flow.yaml: node "inner" (nodes[1].config.flow.ref): in flow "./b.flow.yaml": node "inner" (nodes[1].config.flow): flow "./a.flow.yaml" runs itself through this node; flows cannot recurse',
    ]);

    const broken = await groundwork(['validate', 'broken/top.flow.yaml', 'absent/top.flow.yaml'], dir);
    expect(broken.code).toBe(1);
    // One problem per mistake: the node with the missing sub-flow is set aside, so its edges add nothing.
    expect(lines(broken.stdout)).toEqual([
      'broken/top.flow.yaml: node "inner" (nodes[1].config.flow.ref): cannot find flow "./parts/broken.flow.yaml"',
      'broken/parts/broken.flow.yaml: nodes: Invalid input: expected array, received object',
      'absent/top.flow.yaml: node "inner" (nodes[1].config.flow.ref): cannot find flow "./gone.flow.yaml"',
      'absent/gone.flow.yaml: cannot read the file: it does not exist',
    ]);
  });

  it('exits 2 with usage when no file is given', async () => {
    const result = await groundwork(['validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("missing required argument 'files'");
  });
});
