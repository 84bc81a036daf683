/**
 * `groundwork diff` as the built command in a child process: two files, a file's git revisions, versions stored in
 * a database, two variants of a node; JSON; colour; exit statuses as diff(1)'s.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FlowDiff, TextChange } from '@groundwork/runtime/diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundwork, hasColor, plainEnv, requireBuild } from './cli-process.js';
import { storedFlows, VERSIONS } from './flow-versions.js';

let dir: string;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'groundwork-diff-'));
  write('v1.flow.yaml', VERSIONS[0]!.yaml);
  write('v2.flow.yaml', VERSIONS[1]!.yaml);
  write('v3.flow.yaml', VERSIONS[2]!.yaml);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** v1 → v2, as every form of the command should show it without colour. */
const V1_TO_V2_BODY = [
  'nodes',
  '  ~ node "prompt" (prompt)',
  '    config.template:',
  '        1 1  You are a helpful assistant.',
  '      ~ 2 2  Answer in [-two-]{+one+} sentences: {{ question }}',
  '        3 3  Thank the user.',
  '  ~ node "generate" (llm)',
  '    config.temperature: 0 → 0.7',
  '',
].join('\n');

describe('groundwork diff A B: two files', () => {
  it('marks exactly the changed word of a template as [-old-]{+new+}, with the parameter change (exit 1)', async () => {
    const result = await groundwork(['diff', 'v1.flow.yaml', 'v2.flow.yaml'], { cwd: dir });
    expect(result).toEqual({ code: 1, stdout: `v1.flow.yaml → v2.flow.yaml\n${V1_TO_V2_BODY}`, stderr: '' });
  });

  it('says there are no differences between identical files (exit 0)', async () => {
    write('copy.flow.yaml', VERSIONS[0]!.yaml);
    const result = await groundwork(['diff', 'v1.flow.yaml', 'copy.flow.yaml'], { cwd: dir });
    expect(result).toEqual({ code: 0, stdout: 'v1.flow.yaml → copy.flow.yaml\nno differences\n', stderr: '' });
  });

  it('shows added variants, nodes, outputs and edges with what they hold', async () => {
    const result = await groundwork(['diff', 'v2.flow.yaml', 'v3.flow.yaml'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      [
        'v2.flow.yaml → v3.flow.yaml',
        'outputs',
        '  + echo (text)',
        'nodes',
        '  ~ node "prompt" (prompt)',
        '    + variant "casual"',
        '      config.template: "Hey! {{ question }}"',
        '  + node "echo" (output)',
        '    config.name: "echo"',
        'edges',
        '  + question.value → echo.value',
        '',
      ].join('\n'),
    );
  });

  it('--context sets the unchanged lines around a text change', async () => {
    const result = await groundwork(['diff', 'v1.flow.yaml', 'v2.flow.yaml', '--context', '0'], { cwd: dir });
    expect(result.stdout).toContain('    config.template:\n      ~ 2 2  Answer in [-two-]{+one+} sentences');
    expect(result.stdout).not.toContain('You are a helpful assistant.');
  });

  it('--json prints the FlowDiff: sections, the text change with its word-level hunks', async () => {
    const result = await groundwork(['diff', 'v1.flow.yaml', 'v2.flow.yaml', '--json'], { cwd: dir });
    expect(result.code).toBe(1);
    const diff = JSON.parse(result.stdout) as FlowDiff;
    expect(Object.keys(diff)).toEqual(['flow', 'inputs', 'outputs', 'nodes', 'edges']);
    expect(diff.nodes.map((node) => [node.change, node.id])).toEqual([
      ['changed', 'prompt'],
      ['changed', 'generate'],
    ]);
    const [prompt, generate] = diff.nodes;
    if (prompt?.change !== 'changed' || generate?.change !== 'changed') throw new Error('expected changed nodes');
    const template = prompt.fields[0] as TextChange;
    expect(template).toMatchObject({ kind: 'text', path: 'config.template', diff: { removedWords: 1, addedWords: 1 } });
    const edited = template.diff.hunks[0]!.rows.find((row) => row.before?.segments.some((segment) => segment.changed));
    expect(edited?.before?.segments.filter((segment) => segment.changed)).toEqual([{ text: 'two', changed: true }]);
    expect(edited?.after?.segments.filter((segment) => segment.changed)).toEqual([{ text: 'one', changed: true }]);
    expect(generate.fields).toEqual([{ kind: 'value', path: 'config.temperature', before: 0, after: 0.7 }]);
    const same = await groundwork(['diff', 'v1.flow.yaml', 'v1.flow.yaml', '--json'], { cwd: dir });
    expect(same.code).toBe(0);
    expect(JSON.parse(same.stdout)).toEqual({ flow: [], inputs: [], outputs: [], nodes: [], edges: [] });
  });

  it('a file that cannot be read or is not a flow is trouble (exit 2), named on stderr', async () => {
    const missing = await groundwork(['diff', 'v1.flow.yaml', 'missing.flow.yaml'], { cwd: dir });
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'groundwork diff: missing.flow.yaml: cannot read the file: it does not exist\n',
    });
    write('broken.flow.yaml', 'schemaVersion: 1\nname: broken\nnodes: 3\n');
    const broken = await groundwork(['diff', 'broken.flow.yaml', 'v1.flow.yaml'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^groundwork diff: broken\.flow\.yaml: nodes: /);
  });

  it('options that do not fit two files are a wrong command line (exit 2)', async () => {
    const result = await groundwork(['diff', 'v1.flow.yaml', 'v2.flow.yaml', '--from', 'HEAD'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--from and --to pick revisions of one file or versions of a stored flow');
    const context = await groundwork(['diff', 'v1.flow.yaml', 'v2.flow.yaml', '--context', 'many'], { cwd: dir });
    expect(context.code).toBe(2);
    expect(context.stderr).toContain("option '--context <lines>' argument 'many' is invalid");
  });
});

describe('groundwork diff: colour', () => {
  const args = ['diff', 'v1.flow.yaml', 'v2.flow.yaml'];

  it('is off in a pipe, and the changed words are marked in text', async () => {
    const result = await groundwork(args, { cwd: dir, env: plainEnv() });
    expect(hasColor(result.stdout)).toBe(false);
    expect(result.stdout).toContain('[-two-]{+one+}');
  });

  it('is on with FORCE_COLOR or --color: changed words in inverse, - and + lines, no text markers', async () => {
    for (const [extra, env] of [
      [[], plainEnv({ FORCE_COLOR: '1' })],
      [['--color'], plainEnv({ NO_COLOR: '1' })],
    ] as const) {
      const result = await groundwork([...args, ...extra], { cwd: dir, env });
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('\u001b[31mAnswer in \u001b[7mtwo\u001b[27m sentences: {{ question }}');
      expect(result.stdout).toContain('\u001b[32mAnswer in \u001b[7mone\u001b[27m sentences: {{ question }}');
      expect(result.stdout).not.toContain('[-two-]');
    }
  });

  it('--no-color wins over FORCE_COLOR', async () => {
    const result = await groundwork([...args, '--no-color'], { cwd: dir, env: plainEnv({ FORCE_COLOR: '1' }) });
    expect(hasColor(result.stdout)).toBe(false);
    expect(result.stdout).toContain('[-two-]{+one+}');
  });
});

describe('groundwork diff FILE: git revisions', () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args],
      { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );

  beforeAll(() => {
    repo = join(dir, 'repo');
    mkdirSync(join(repo, 'flows'), { recursive: true });
    git('init', '--quiet');
    writeFileSync(join(repo, 'flows', 'ask.flow.yaml'), VERSIONS[0]!.yaml);
    git('add', '.');
    git('commit', '--quiet', '-m', 'v1');
    writeFileSync(join(repo, 'flows', 'ask.flow.yaml'), VERSIONS[1]!.yaml);
  });

  it('compares HEAD with the working copy by default, from any folder of the repository', async () => {
    const result = await groundwork(['diff', 'ask.flow.yaml'], { cwd: join(repo, 'flows') });
    expect(result).toEqual({ code: 1, stdout: `ask.flow.yaml: HEAD → working copy\n${V1_TO_V2_BODY}`, stderr: '' });
  });

  it('compares two revisions, and a revision with itself has no differences', async () => {
    git('commit', '--quiet', '-am', 'v2');
    writeFileSync(join(repo, 'flows', 'ask.flow.yaml'), VERSIONS[2]!.yaml);
    const result = await groundwork(['diff', 'flows/ask.flow.yaml', '--from', 'HEAD~1', '--to', 'HEAD'], {
      cwd: repo,
    });
    expect(result).toEqual({ code: 1, stdout: `flows/ask.flow.yaml: HEAD~1 → HEAD\n${V1_TO_V2_BODY}`, stderr: '' });
    const same = await groundwork(['diff', 'flows/ask.flow.yaml', '--from', 'HEAD', '--to', 'HEAD'], { cwd: repo });
    expect(same).toEqual({ code: 0, stdout: 'flows/ask.flow.yaml: HEAD → HEAD\nno differences\n', stderr: '' });
    // The working copy (v3) against HEAD (v2): the casual variant is new.
    const working = await groundwork(['diff', 'flows/ask.flow.yaml'], { cwd: repo });
    expect(working.stdout).toContain('    + variant "casual"\n');
  });

  it('names an unknown revision, a file the revision lacks, and a file outside any repository (exit 2)', async () => {
    const unknown = await groundwork(['diff', 'flows/ask.flow.yaml', '--from', 'no-such-branch'], { cwd: repo });
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr: `groundwork diff: flows/ask.flow.yaml: no revision "no-such-branch" in the git repository ${repo}\n`,
    });
    writeFileSync(join(repo, 'flows', 'new.flow.yaml'), VERSIONS[0]!.yaml);
    const absent = await groundwork(['diff', 'flows/new.flow.yaml'], { cwd: repo });
    expect(absent).toEqual({
      code: 2,
      stdout: '',
      stderr: 'groundwork diff: flows/new.flow.yaml: the file is not in revision "HEAD" (as flows/new.flow.yaml)\n',
    });
    const outside = mkdtempSync(join(tmpdir(), 'groundwork-no-git-'));
    writeFileSync(join(outside, 'ask.flow.yaml'), VERSIONS[0]!.yaml);
    const noRepository = await groundwork(['diff', 'ask.flow.yaml'], {
      cwd: outside,
      env: plainEnv({ GIT_CEILING_DIRECTORIES: tmpdir() }),
    });
    rmSync(outside, { recursive: true, force: true });
    expect(noRepository.code).toBe(2);
    expect(noRepository.stderr).toBe(
      'groundwork diff: ask.flow.yaml is not in a git repository, so there are no revisions to compare (compare two files: groundwork diff A B)\n',
    );
  });
});

describe('groundwork diff FLOW: versions stored in the database', () => {
  let db: string;
  const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

  beforeAll(() => {
    db = storedFlows();
  });
  afterAll(() => rmSync(dirname(db), { recursive: true, force: true }));

  it('--from 1 --to 2 compares two versions, the header naming them with their notes and labels', async () => {
    const before = sha256(db);
    const result = await groundwork(['diff', 'ask', '--db', db, '--from', '1', '--to', '2']);
    expect(result).toEqual({
      code: 1,
      stdout: `ask v1 (first draft) → v2 (shorter answers) [production]\n${V1_TO_V2_BODY}`,
      stderr: '',
    });
    // Read-only: the database file is as it was.
    expect(sha256(db)).toBe(before);
  });

  it('takes labels and latest, defaults --to to latest and --from to the version before, and reads GROUNDWORK_DB', async () => {
    const byLabel = await groundwork(['diff', 'ask', '--db', db, '--from', '1', '--to', 'production']);
    expect(byLabel.stdout).toBe(`ask v1 (first draft) → v2 (shorter answers) [production]\n${V1_TO_V2_BODY}`);
    const defaults = await groundwork(['diff', 'ask'], { env: plainEnv({ GROUNDWORK_DB: db }) });
    expect(defaults.code).toBe(1);
    expect(defaults.stdout.split('\n')[0]).toBe('ask v2 (shorter answers) [production] → v3 [staging]');
    expect(defaults.stdout).toContain('    + variant "casual"\n');
    const fromLabel = await groundwork(['diff', 'ask', '--db', db, '--from', 'production', '--to', 'latest']);
    expect(fromLabel.stdout).toBe(defaults.stdout);
    const same = await groundwork(['diff', 'ask', '--db', db, '--from', 'staging']);
    expect(same).toEqual({ code: 0, stdout: 'ask v3 [staging] → v3 [staging]\nno differences\n', stderr: '' });
  });

  it('names the flows there are for an unknown flow, and the versions and labels for an unknown version (exit 2)', async () => {
    const flow = await groundwork(['diff', 'nope', '--db', db]);
    expect(flow).toEqual({
      code: 2,
      stdout: '',
      stderr: `groundwork diff: no flow "nope" in ${db} (flows there: ask, other)\n`,
    });
    const version = await groundwork(['diff', 'ask', '--db', db, '--to', '7']);
    expect(version).toEqual({
      code: 2,
      stdout: '',
      stderr: 'groundwork diff: --to: flow "ask" has no version 7 (versions 1 to 3)\n',
    });
    const label = await groundwork(['diff', 'ask', '--db', db, '--from', 'canary']);
    expect(label.stderr).toBe(
      'groundwork diff: --from: flow "ask" has no version or label "canary" (give a number from 1 to 3, latest, or a label: production, staging)\n',
    );
    expect(label.code).toBe(2);
  });

  it('a missing database file is named, and none is created (exit 2)', async () => {
    const missing = join(dir, 'nothing-here', 'groundwork.db');
    const result = await groundwork(['diff', 'ask', '--db', missing]);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: `groundwork diff: no database at ${missing} (give --db PATH or set GROUNDWORK_DB; groundwork serve creates one)\n`,
    });
    expect(() => readFileSync(missing)).toThrow(/ENOENT/);
  });
});

describe('groundwork diff --node ID --variants A,B', () => {
  let db: string;

  beforeAll(() => {
    db = storedFlows();
  });
  afterAll(() => rmSync(dirname(db), { recursive: true, force: true }));

  it('compares two variants of a node in a file, in the config each runs with (exit 1; the same variant: 0)', async () => {
    const result = await groundwork(['diff', 'v1.flow.yaml', '--node', 'prompt', '--variants', 'expert,plain'], {
      cwd: dir,
    });
    expect(result).toEqual({
      code: 1,
      stdout: [
        'v1.flow.yaml: node "prompt", variant "expert" → "plain"',
        '  config.template:',
        '    - 1    You are [-an expert.-] Answer: {{ question }}',
        '    +   1  You are {+a helpful assistant.+}',
        '    +   2  Answer{+ in two sentences+}: {{ question }}',
        '    +   3  Thank the user.',
        '',
      ].join('\n'),
      stderr: '',
    });
    const same = await groundwork(['diff', 'v1.flow.yaml', '--node', 'prompt', '--variants', 'plain,plain'], {
      cwd: dir,
    });
    expect(same).toEqual({
      code: 0,
      stdout: 'v1.flow.yaml: node "prompt", variant "plain" → "plain"\nno differences\n',
      stderr: '',
    });
  });

  it('reads the stored version --to names, and prints the field changes with --json', async () => {
    const older = await groundwork([
      'diff',
      'ask',
      '--db',
      db,
      '--to',
      '1',
      '--node',
      'prompt',
      '--variants',
      'plain,casual',
    ]);
    expect(older.code).toBe(2);
    expect(older.stderr).toBe(
      'groundwork diff: --variants: node "prompt" has no variant "casual" (variants: plain, expert)\n',
    );
    const latest = await groundwork([
      'diff',
      'ask',
      '--db',
      db,
      '--node',
      'prompt',
      '--variants',
      'expert,casual',
      '--json',
    ]);
    expect(latest.code).toBe(1);
    expect(JSON.parse(latest.stdout)).toEqual([
      expect.objectContaining({
        kind: 'text',
        path: 'config.template',
        before: 'You are an expert. Answer: {{ question }}',
        after: 'Hey! {{ question }}',
      }),
    ]);
  });

  it('names the nodes with variants for an unknown node, and wants both --node and --variants (exit 2)', async () => {
    const node = await groundwork(['diff', 'v1.flow.yaml', '--node', 'writer', '--variants', 'a,b'], { cwd: dir });
    expect(node).toEqual({
      code: 2,
      stdout: '',
      stderr: 'groundwork diff: --node: v1.flow.yaml has no node "writer" (nodes with variants: prompt)\n',
    });
    const alone = await groundwork(['diff', 'v1.flow.yaml', '--node', 'prompt'], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe('groundwork diff: --node and --variants go together: --node ID --variants A,B\n');
    const one = await groundwork(['diff', 'v1.flow.yaml', '--node', 'prompt', '--variants', 'plain'], { cwd: dir });
    expect(one.code).toBe(2);
    expect(one.stderr).toContain("option '--variants <a,b>' argument 'plain' is invalid");
  });
});
