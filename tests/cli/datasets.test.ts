/**
 * `groundwork datasets import|list` as the built command in a child process, on a temporary database file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundwork, plainEnv, requireBuild } from './cli-process.js';

let temp: string;
let db: string;

beforeAll(() => {
  requireBuild();
  temp = mkdtempSync(join(tmpdir(), 'groundwork-datasets-cli-'));
  db = join(temp, 'groundwork.db');
});

afterAll(() => rmSync(temp, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const path = join(temp, name);
  writeFileSync(path, text);
  return path;
};

interface ListedDataset {
  id: string;
  name: string;
  format: string;
  columns: string[];
  rowCount: number;
}

const list = async () => {
  const result = await groundwork(['datasets', 'list', '--db', db, '--json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ListedDataset[];
};

describe('groundwork datasets', () => {
  it('says there are none in a new database', async () => {
    const result = await groundwork(['datasets', 'list'], { cwd: temp, env: plainEnv({ GROUNDWORK_DB: db }) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('No datasets in groundwork.db. Import one with `groundwork datasets import FILE`.\n');
  });

  it('imports a JSONL file named after it, and reuses it when the same rows come again', async () => {
    const path = file('qa.jsonl', '{"question":"Q1","context":"C1"}\n{"question":"Q2","context":"C2"}\n');
    const first = await groundwork(['datasets', 'import', path, '--db', db]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^Imported 2 rows from .*qa\.jsonl as dataset "qa" \(dst_[\w-]+\) in /);
    expect(first.stdout).toContain('Columns: question, context');

    const again = await groundwork(['datasets', 'import', path, '--db', db, '--json']);
    expect(again.code).toBe(0);
    const body = JSON.parse(again.stdout) as { dataset: ListedDataset; reused: boolean };
    expect(body.reused).toBe(true);
    expect(body.dataset.name).toBe('qa');
    expect(await list()).toHaveLength(1);
  });

  it('imports CSV under a given name and lists both in a table', async () => {
    const path = file('more.csv', 'question,reference\n"What, exactly?",this\n');
    const result = await groundwork(['datasets', 'import', path, '--name', 'golden', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Imported 1 row from .* as dataset "golden"/);

    const table = await groundwork(['datasets', 'list', '--db', db]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +ID +FORMAT +ROWS +COLUMNS +CREATED$/);
    expect(lines.slice(1).map((line) => line.split(/ +/).slice(0, 4))).toEqual([
      ['golden', expect.stringMatching(/^dst_/), 'csv', '1'],
      ['qa', expect.stringMatching(/^dst_/), 'jsonl', '2'],
    ]);
  });

  it('refuses a malformed file with every bad line on stderr, and imports nothing', async () => {
    const before = await list();
    const path = file('broken.jsonl', '{"question":"ok"}\nnot json\n[1]\n');
    const result = await groundwork(['datasets', 'import', path, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^groundwork datasets import: .*broken\.jsonl: the dataset cannot be imported: line 2/,
    );
    expect(result.stderr).toContain('  line 2: not valid JSON');
    expect(result.stderr).toContain('  line 3: expected a JSON object ({...}), got an array');
    expect(await list()).toEqual(before);
  });

  it('refuses a taken name (1) and a bad name (2), naming them', async () => {
    const path = file('other.jsonl', '{"question":"different"}\n');
    const taken = await groundwork(['datasets', 'import', path, '--name', 'golden', '--db', db]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('a dataset named "golden" already exists');
    const bad = await groundwork(['datasets', 'import', path, '--name', 'has space', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid dataset name "has space"');
    const missing = await groundwork(['datasets', 'import', join(temp, 'nope.csv'), '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read');
  });
});
