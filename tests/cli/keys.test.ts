/**
 * `groundwork keys create|list|revoke`, with the command mounted in-process from its source under a program as
 * main.ts mounts commands (it is wired into the program separately), with temporary databases.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// Imported by paths the type checker does not follow: the tests project may only see the server's built types.
const COMMAND = join(ROOT, 'packages/server/src/cli/keys-command.ts');
const SERVICE = join(ROOT, 'packages/server/src/keys/keys.service.ts');
const CONNECTION = join(ROOT, 'packages/server/src/db/connection.ts');

type CommandModule = typeof import('../../packages/server/dist/cli/keys-command.js');
type ServiceModule = typeof import('../../packages/server/dist/keys/keys.service.js');
type ConnectionModule = typeof import('../../packages/server/dist/db/connection.js');
let command: CommandModule;
let service: ServiceModule;
let connection: ConnectionModule;
let temp: string;

beforeAll(async () => {
  command = (await import(COMMAND)) as CommandModule;
  service = (await import(SERVICE)) as ServiceModule;
  connection = (await import(CONNECTION)) as ConnectionModule;
  temp = mkdtempSync(join(tmpdir(), 'groundwork-keys-'));
});

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function keys(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const context = {
    stdout: { write: (text: string) => stdout.push(text) },
    stderr: { write: (text: string) => stderr.push(text) },
    cwd: options.cwd ?? temp,
    color: false,
    signal: new AbortController().signal,
    exitCode: 0,
  };
  const program = new Command('groundwork')
    .exitOverride()
    .configureOutput({ writeOut: (text) => stdout.push(text), writeErr: (text) => stderr.push(text) });
  const mounted = command.keysCommand(context, { env: options.env ?? {} });
  program.addCommand(mounted);
  mounted.copyInheritedSettings(program);
  for (const sub of mounted.commands) sub.copyInheritedSettings(mounted);
  try {
    await program.parseAsync(['keys', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    context.exitCode = 2;
  }
  return { exitCode: context.exitCode, stdout: stdout.join(''), stderr: stderr.join('') };
}

function freshDb(): string {
  return join(mkdtempSync(join(temp, 'db-')), 'groundwork.db');
}

/** Checks a key against the database the way the server does. */
function verify(db: string, key: string) {
  const open = connection.openDatabase(db);
  try {
    return new service.KeyService(open).verify(key);
  } finally {
    open.close();
  }
}

describe('groundwork keys', () => {
  it('create prints the key alone on stdout, once, and says so on stderr', async () => {
    const db = freshDb();
    const created = await keys(['create', 'ci', '--db', db]);
    expect(created.exitCode).toBe(0);
    expect(created.stdout).toMatch(/^gw_[A-Za-z0-9_-]{43}\n$/);
    const key = created.stdout.trim();
    expect(created.stderr).toContain(`Created API key "ci" (${key.slice(0, 11)}…)`);
    expect(created.stderr).toContain('it cannot be shown again');
    expect(created.stderr).toContain('This is the first key');
    expect(verify(db, key)?.name).toBe('ci');

    const second = await keys(['create', 'deploy', '--db', db]);
    expect(second.stderr).not.toContain('first key');
    // Neither list shows a key again.
    const list = await keys(['list', '--db', db]);
    expect(list.stdout).not.toContain(key);
    expect(list.stdout).toContain(key.slice(0, 11));
  });

  it('refuses a name that is taken (exit 1) or unusable (exit 2)', async () => {
    const db = freshDb();
    await keys(['create', 'ci', '--db', db]);
    const again = await keys(['create', 'ci', '--db', db]);
    expect(again).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'groundwork keys create: an API key named "ci" already exists\n',
    });
    const bad = await keys(['create', 'two words', '--db', db]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^groundwork keys create: invalid key name "two words"/);
    expect(bad.stdout).toBe('');
  });

  it('lists name, prefix, created, last used and revoked, as a table or JSON', async () => {
    const db = freshDb();
    expect((await keys(['list', '--db', db])).stdout).toMatch(/^No API keys: \/api\/v1 and \/v1 are open/);
    const key = (await keys(['create', 'ci', '--db', db])).stdout.trim();
    await keys(['create', 'old', '--db', db]);
    verify(db, key);
    await keys(['revoke', 'old', '--db', db]);

    const table = (await keys(['list', '--db', db])).stdout.split('\n');
    expect(table[0]).toMatch(/^NAME\s+PREFIX\s+CREATED\s+LAST USED\s+REVOKED$/);
    const stamp = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ';
    expect(table[1]).toMatch(new RegExp(`^ci\\s+${key.slice(0, 11)}\\s+${stamp}\\s+${stamp}\\s+-$`));
    expect(table[2]).toMatch(new RegExp(`^old\\s+gw_\\S{8}\\s+${stamp}\\s+-\\s+${stamp}$`));

    const json = JSON.parse((await keys(['list', '--json', '--db', db])).stdout);
    expect(json).toEqual([
      {
        name: 'ci',
        prefix: key.slice(0, 11),
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        revokedAt: null,
      },
      {
        name: 'old',
        prefix: expect.any(String),
        createdAt: expect.any(String),
        lastUsedAt: null,
        revokedAt: expect.any(String),
      },
    ]);
  });

  it('revokes by name: the key stops working; unknown names fail with exit 1', async () => {
    const db = freshDb();
    const key = (await keys(['create', 'ci', '--db', db])).stdout.trim();
    const revoked = await keys(['revoke', 'ci', '--db', db]);
    expect(revoked.exitCode).toBe(0);
    expect(revoked.stdout).toBe(
      `Revoked API key "ci" (${key.slice(0, 11)}…).\n` +
        'No key is left: /api/v1 and /v1 are open again to anyone who can reach the server.\n',
    );
    expect(verify(db, key)).toBeUndefined();

    const again = await keys(['revoke', 'ci', '--db', db]);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/^API key "ci" was already revoked \(/);

    const unknown = await keys(['revoke', 'nope', '--db', db]);
    expect(unknown).toEqual({
      exitCode: 1,
      stdout: '',
      stderr: 'groundwork keys revoke: no API key named "nope" (groundwork keys list shows them)\n',
    });
  });

  it('uses GROUNDWORK_DB, else ./data/groundwork.db under the working folder', async () => {
    const fromEnv = freshDb();
    await keys(['create', 'env', '--db', fromEnv]);
    const listed = await keys(['list'], { env: { GROUNDWORK_DB: fromEnv } });
    expect(listed.stdout).toMatch(/^NAME.*\nenv\s/);

    const cwd = mkdtempSync(join(temp, 'cwd-'));
    const created = await keys(['create', 'local'], { cwd });
    expect(created.exitCode).toBe(0);
    expect(created.stderr).toContain(`in ${join('data', 'groundwork.db')}.`);
    expect(existsSync(join(cwd, 'data', 'groundwork.db'))).toBe(true);
  });

  it('fails with exit 1 when the database cannot be opened', async () => {
    const folder = join(temp, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const outcome = await keys(['list', '--db', folder]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toMatch(new RegExp(`^groundwork keys: ${folder}: `));
  });
});
