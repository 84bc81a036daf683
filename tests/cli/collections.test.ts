/**
 * `groundwork collections create|add|search|list`, run as the built command in a child process (build first:
 * node_modules/.bin/tsc -b), on a database file in a temporary folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundwork, hasColor, plainEnv, requireBuild } from './cli-process.js';

let dir: string;
let db: string;
let docs: string;

const write = (path: string, text: string) => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
};

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'groundwork-collections-cli-'));
  db = join(dir, 'groundwork.db');
  docs = join(dir, 'docs');
  write(join(docs, 'install.md'), '# Install\n\nInstall Groundwork with npm, then run npm start.\n');
  write(join(docs, 'guides', 'errors.md'), '# Errors\n\nWhen the server crashes, read the log file first.\n');
  write(join(docs, 'guides', 'faq.html'), '<h1>FAQ</h1><p>Refunds take five days.</p>');
  write(join(docs, 'notes.txt'), 'Plain notes about the weather and the rain.');
  write(join(docs, 'image.png'), 'not a document');
  write(join(docs, '.hidden', 'secret.md'), '# Secret\n\nNot to be added.');
  write(join(dir, 'single.md'), '# Single\n\nA lone file about bread.');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('groundwork collections', () => {
  it('creates, adds a folder and a file, re-adds (unchanged, replaced), lists and searches', async () => {
    const created = await groundwork(['collections', 'create', 'docs', '--chunk-size', '400', '--db', db]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      /^Created collection "docs" \(col_[\w-]+\) in .*groundwork\.db: chunks of 400 characters, 150 overlap, keyword search/,
    );

    const added = await groundwork(['collections', 'add', 'docs', docs, join(dir, 'single.md'), '--db', db]);
    expect(added.code).toBe(0);
    const lines = added.stdout.trim().split('\n');
    expect(lines.slice(0, -1)).toEqual([
      'added     guides/errors.md (1 chunk)',
      'added     guides/faq.html (1 chunk)',
      'added     install.md (1 chunk)',
      'added     notes.txt (1 chunk)',
      'added     single.md (1 chunk)',
    ]);
    expect(lines.at(-1)).toBe('5 files into "docs": 5 added, 0 replaced, 0 unchanged (5 chunks written).');

    write(join(docs, 'notes.txt'), 'Plain notes about the snow.');
    const again = await groundwork(['collections', 'add', 'docs', docs, '--db', db]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('replaced  notes.txt (1 chunk)');
    expect(again.stdout).toContain('unchanged install.md (1 chunk)');
    expect(again.stdout.trim().split('\n').at(-1)).toBe(
      '4 files into "docs": 0 added, 1 replaced, 3 unchanged (1 chunk written).',
    );

    const list = await groundwork(['collections', 'list', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+ID\s+DOCUMENTS\s+CHUNKS\s+CHUNK SIZE\s+EMBEDDING MODEL$/);
    expect(list.stdout.split('\n')[1]).toMatch(/^docs\s+col_\S+\s+5\s+5\s+400\/150\s+-$/);
    const listed = JSON.parse((await groundwork(['collections', 'list', '--json', '--db', db])).stdout);
    expect(listed).toEqual([expect.objectContaining({ name: 'docs', documentCount: 5, chunkCount: 5 })]);

    const found = await groundwork(['collections', 'search', 'docs', 'server crashed?', '--db', db]);
    expect(found.code).toBe(0);
    expect(found.stdout.split('\n')[0]).toMatch(/^ 1\. \d\.\d{4} {2}guides\/errors\.md › Errors {2}\(keyword #1\)$/);
    expect(found.stdout).toContain('When the server crashes, read the log file first.');
    expect(found.stdout.trim().split('\n').at(-1)).toBe('(keyword search)');
    expect(hasColor(found.stdout)).toBe(false);
    const coloured = await groundwork(['collections', 'search', 'docs', 'snow', '--db', db], {
      env: plainEnv({ FORCE_COLOR: '1' }),
    });
    expect(hasColor(coloured.stdout)).toBe(true);
    expect(coloured.stdout).toContain(`${'\u001b'}[1m${'\u001b'}[33msnow`);

    const json = JSON.parse(
      (
        await groundwork([
          'collections',
          'search',
          'docs',
          'notes bread refunds',
          '--json',
          '--top-k',
          '10',
          '--source',
          'guides/',
          '--db',
          db,
        ])
      ).stdout,
    );
    expect(json.passages.map((passage: { source: string }) => passage.source)).toEqual(['guides/faq.html']);
    expect((await groundwork(['collections', 'search', 'docs', 'zeppelin', '--db', db])).stdout).toBe(
      'Nothing in "docs" matches.\n',
    );
  });

  it('names bad input: an unknown collection, an empty file, a missing path, a long query, a bad option', async () => {
    const unknown = await groundwork(['collections', 'search', 'nope', 'words', '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('groundwork collections: collection "nope" was not found\n');

    await groundwork(['collections', 'create', 'strict', '--db', db]);
    const empty = join(dir, 'empty', 'blank.md');
    write(empty, '  \n');
    write(join(dir, 'empty', 'fine.md'), 'Fine words.');
    const added = await groundwork(['collections', 'add', 'strict', join(dir, 'empty'), '--db', db]);
    expect(added.code).toBe(1);
    expect(added.stderr).toBe('groundwork collections add: blank.md: the document is empty\n');
    expect(added.stdout).toContain('added     fine.md (1 chunk)');
    expect(added.stdout).toContain('1 failed');

    const missing = await groundwork(['collections', 'add', 'strict', join(dir, 'no-such-folder'), '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-folder: no such file or folder\n$/);

    const long = await groundwork(['collections', 'search', 'strict', 'x'.repeat(2001), '--db', db]);
    expect(long.code).toBe(2);
    expect(long.stderr).toBe('groundwork collections: the query is too long (2001 characters; at most 2000)\n');
    const mode = await groundwork(['collections', 'search', 'strict', 'x', '--mode', 'fuzzy', '--db', db]);
    expect(mode.code).toBe(2);
    expect(mode.stderr).toMatch(/--mode <mode>' argument 'fuzzy' is invalid/);
    const taken = await groundwork(['collections', 'create', 'strict', '--db', db]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/a collection named "strict" already exists/);
  });

  it('groundwork run gives retrieve nodes the collections of --db, and touches no database for flows without one', async () => {
    const flow = join(dir, 'ask.flow.yaml');
    write(
      flow,
      `schemaVersion: 1
name: ask
inputs:
  question: { type: text }
  answer: { type: text }
outputs:
  context: { type: text }
  verdict: { type: json }
nodes:
  - { id: question, type: input, position: { x: 0, y: 0 }, config: { name: question } }
  - { id: answer, type: input, position: { x: 0, y: 100 }, config: { name: answer } }
  - { id: search, type: retrieve, position: { x: 200, y: 0 }, config: { collection: docs, topK: 2 } }
  - id: cite
    type: prompt
    position: { x: 400, y: 0 }
    config:
      template: "{% for p in passages %}[{{ loop.index }}] {{ p.source }}: {{ p.text }}\\n{% endfor %}"
  - { id: check, type: groundedness, position: { x: 400, y: 100 }, config: {} }
  - { id: context, type: output, position: { x: 600, y: 0 }, config: { name: context } }
  - { id: verdict, type: output, position: { x: 600, y: 100 }, config: { name: verdict } }
edges:
  - { from: question.value, to: search.query }
  - { from: search.passages, to: cite.passages }
  - { from: cite.prompt, to: context.value }
  - { from: search.passages, to: check.context }
  - { from: answer.value, to: check.answer }
  - { from: check.result, to: verdict.value }
`,
    );
    const runDb = join(dir, 'run.db');
    expect((await groundwork(['collections', 'create', 'docs', '--db', runDb])).code).toBe(0);
    expect((await groundwork(['collections', 'add', 'docs', docs, '--db', runDb])).code).toBe(0);
    const inputs = ['--input', 'question=How do I install it?', '--input', 'answer=Install Groundwork with npm.'];
    const ran = await groundwork(['run', flow, ...inputs, '--db', runDb]);
    expect(ran.stderr).toBe('');
    expect(ran.code).toBe(0);
    const outputs = JSON.parse(ran.stdout) as { context: string; verdict: { sentences: { evidence: unknown[] }[] } };
    expect(outputs.context).toMatch(/^\[1\] install\.md: # Install|^\[1\] install\.md: Install Groundwork with npm/);
    expect(outputs.verdict.sentences[0]!.evidence[0]).toMatchObject({
      source: 'install.md',
      passageId: expect.stringMatching(/^chk_/),
    });

    const elsewhere = join(dir, 'absent', 'groundwork.db');
    const missing = await groundwork(['run', flow, ...inputs, '--db', elsewhere]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/retrieve node "search": no database at .*absent\/groundwork\.db to search/);
    // A flow without a retrieve node runs without opening (or creating) the database.
    const plain = join(dir, 'plain.flow.yaml');
    write(
      plain,
      `schemaVersion: 1
name: plain
inputs: { q: { type: text } }
outputs: { a: { type: text } }
nodes:
  - { id: q, type: input, position: { x: 0, y: 0 }, config: { name: q } }
  - { id: a, type: output, position: { x: 200, y: 0 }, config: { name: a } }
edges:
  - { from: q.value, to: a.value }
`,
    );
    const simple = await groundwork(['run', plain, '--input', 'q=hello', '--db', elsewhere]);
    expect(simple.code).toBe(0);
    expect(JSON.parse(simple.stdout)).toEqual({ a: 'hello' });
    expect(existsSync(join(dir, 'absent'))).toBe(false);
  });
  it('removes documents all or nothing, and deletes a collection', async () => {
    const created = await groundwork(['collections', 'create', 'scratch', '--db', db]);
    expect(created.code, created.stderr).toBe(0);
    expect((await groundwork(['collections', 'add', 'scratch', docs, '--db', db])).code).toBe(0);
    const search = async (query: string) =>
      JSON.parse((await groundwork(['collections', 'search', 'scratch', query, '--json', '--db', db])).stdout) as {
        passages: { source: string }[];
      };
    expect((await search('crashes')).passages.map((passage) => passage.source)).toEqual(['guides/errors.md']);

    // One unknown source: nothing is removed, and the unknown one is named.
    const refused = await groundwork(['collections', 'remove', 'scratch', 'guides/errors.md', 'nope.md', '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('"nope.md"');
    expect((await search('crashes')).passages).toHaveLength(1);

    const removed = await groundwork(['collections', 'remove', 'scratch', 'guides/errors.md', '--db', db]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe('Removed 1 document from "scratch".\n');
    expect((await search('crashes')).passages).toEqual([]);

    const deleted = await groundwork(['collections', 'delete', 'scratch', '--db', db]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^Deleted collection "scratch" \(3 documents\)/);
    const listed = JSON.parse((await groundwork(['collections', 'list', '--json', '--db', db])).stdout) as {
      name: string;
    }[];
    expect(listed.map((collection) => collection.name)).not.toContain('scratch');
    const gone = await groundwork(['collections', 'delete', 'scratch', '--db', db]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('collection "scratch"');
  });
});
