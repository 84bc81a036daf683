/**
 * `groundwork history` as the built command in a child process, over a database saved through the server's
 * repository.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groundwork, hasColor, plainEnv, requireBuild } from './cli-process.js';
import { storedFlows } from './flow-versions.js';

let db: string;

beforeAll(() => {
  requireBuild();
  db = storedFlows();
});

afterAll(() => rmSync(dirname(db), { recursive: true, force: true }));

/** A version line without its time, which the database set when the test saved it. */
const withoutTime = (text: string) => text.replace(/ {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/g, '  TIME');

describe('groundwork history FLOW', () => {
  it('lists the versions newest first: labels, the published one, notes, and the change lines per node', async () => {
    const before = createHash('sha256').update(readFileSync(db)).digest('hex');
    const result = await groundwork(['history', 'ask', '--db', db]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(withoutTime(result.stdout)).toBe(
      [
        'ask: 3 versions; published endpoints serve v2 (label production)',
        '',
        'v3  TIME  [staging]',
        '    + added output "echo" (text)',
        '    node "prompt":',
        '      + added variant "casual"',
        '    + added output node "echo"',
        '    + connected question.value → echo.value',
        '',
        'v2  TIME  [production]  ← published',
        '    shorter answers',
        '    node "prompt":',
        '      ~ edited template (1 word removed, 1 added)',
        '    node "generate":',
        '      ~ temperature 0 → 0.7',
        '',
        'v1  TIME',
        '    first draft',
        '    first version',
        '',
      ].join('\n'),
    );
    expect(createHash('sha256').update(readFileSync(db)).digest('hex')).toBe(before);
  });

  it('--json gives the flow, what is published and each version with its labels and changes', async () => {
    const result = await groundwork(['history', 'ask', '--json'], { env: plainEnv({ GROUNDWORK_DB: db }) });
    expect(result.code).toBe(0);
    const history = JSON.parse(result.stdout);
    expect(history.flow).toEqual({ id: expect.stringMatching(/^flw_/), name: 'ask' });
    expect(history.published).toEqual({ version: 2, label: 'production' });
    expect(history.versions.map((entry: { version: number }) => entry.version)).toEqual([3, 2, 1]);
    expect(history.versions[1]).toEqual({
      version: 2,
      contentHash: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      schemaVersion: 1,
      note: 'shorter answers',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      labels: ['production'],
      changes: [
        { kind: 'changed', node: 'prompt', text: 'edited template (1 word removed, 1 added)' },
        { kind: 'changed', node: 'generate', text: 'temperature 0 → 0.7' },
      ],
    });
    expect(history.versions[2].changes).toEqual([]);
    // The same flow by id.
    const byId = await groundwork(['history', history.flow.id, '--db', db, '--json']);
    expect(JSON.parse(byId.stdout)).toEqual(history);
  });

  it('colours when forced, and not in a pipe', async () => {
    const piped = await groundwork(['history', 'ask', '--db', db]);
    expect(hasColor(piped.stdout)).toBe(false);
    const forced = await groundwork(['history', 'ask', '--db', db], { env: plainEnv({ FORCE_COLOR: '1' }) });
    expect(forced.stdout).toContain('\u001b[32m← published\u001b[39m');
  });

  it('names the flows there are for an unknown flow, and a missing database (exit 1)', async () => {
    const flow = await groundwork(['history', 'nope', '--db', db]);
    expect(flow).toEqual({
      code: 1,
      stdout: '',
      stderr: `groundwork history: no flow "nope" in ${db} (flows there: ask, other)\n`,
    });
    const missing = join(db, '..', 'missing.db');
    const database = await groundwork(['history', 'ask', '--db', missing]);
    expect(database.code).toBe(1);
    expect(database.stderr).toBe(
      `groundwork history: no database at ${join(db, '..', 'missing.db')} (give --db PATH or set GROUNDWORK_DB; groundwork serve creates one)\n`,
    );
  });
});
