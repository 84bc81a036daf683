import { Command } from 'commander';
import { type ApiKeyInfo, InvalidKeyNameError, KeyNameTakenError, KeyService } from '../keys/keys.service.js';
import { withCommandDatabase } from './command-database.js';
import type { CliContext } from './main.js';

const EXIT_OK = 0;
/** The database cannot be opened, the name is taken, or there is no such key. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

export interface KeysCommandOptions {
  /** Where GROUNDWORK_DB is read from; process.env when not given (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

const DB_OPTION = [
  '--db <path>',
  'the SQLite database file (default: GROUNDWORK_DB, else ./data/groundwork.db)',
] as const;

/**
 * `groundwork keys create|list|revoke`: the API keys that published flows (`/api/v1`) and the OpenAI-compatible
 * API (`/v1`) ask for once one exists. Works on the database file directly, so a running server sees a change on
 * its next request.
 */
export function keysCommand(context: CliContext, options: KeysCommandOptions = {}): Command {
  const keys = new Command('keys').description('create, list and revoke the API keys for /api/v1 and /v1');
  const run = (db: string | undefined, use: (service: KeyService, path: string) => number) => {
    context.exitCode = withKeys(db, context, options.env ?? process.env, use);
  };

  keys.addCommand(
    new Command('create')
      .description('make a key and print it once, alone on stdout (a note about it goes to stderr)')
      .argument('<name>', 'what the key is for (letters, digits, . _ -), unique')
      .option(...DB_OPTION)
      .action((name: string, flags: { db?: string }) =>
        run(flags.db, (service, path) => createKey(service, name, path, context)),
      ),
  );
  keys.addCommand(
    new Command('list')
      .description('list the keys: name, prefix, created, last used, revoked (never the keys themselves)')
      .option('--json', 'print the list as JSON')
      .option(...DB_OPTION)
      .action((flags: { db?: string; json?: boolean }) =>
        run(flags.db, (service) => {
          const list = service.list();
          if (flags.json) context.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          else if (list.length === 0)
            context.stdout.write(
              'No API keys: /api/v1 and /v1 are open to anyone who can reach the server.\n' +
                'Create one with `groundwork keys create NAME`.\n',
            );
          else context.stdout.write(keyTable(list));
          return EXIT_OK;
        }),
      ),
  );
  keys.addCommand(
    new Command('revoke')
      .description('revoke a key: requests with it are refused from then on')
      .argument('<name>', 'the name the key was created with')
      .option(...DB_OPTION)
      .action((name: string, flags: { db?: string }) => run(flags.db, (service) => revokeKey(service, name, context))),
  );
  return keys;
}

function withKeys(
  option: string | undefined,
  context: CliContext,
  env: NodeJS.ProcessEnv,
  use: (service: KeyService, label: string) => number,
): number {
  return withCommandDatabase(option, context, 'keys', env, (db, label) => use(new KeyService(db), label));
}

function createKey(service: KeyService, name: string, path: string, context: CliContext): number {
  const wasOpen = !service.required();
  let created: ReturnType<KeyService['create']>;
  try {
    created = service.create(name);
  } catch (error) {
    if (error instanceof InvalidKeyNameError || error instanceof KeyNameTakenError) {
      context.stderr.write(`groundwork keys create: ${error.message}\n`);
      return error instanceof InvalidKeyNameError ? EXIT_USAGE : EXIT_FAILED;
    }
    throw error;
  }
  // The key alone on stdout, so that `KEY=$(groundwork keys create ci)` works; the words go to stderr.
  context.stdout.write(`${created.key}\n`);
  const lines = [
    `Created API key "${name}" (${created.info.prefix}…) in ${path}.`,
    'Copy it now: it cannot be shown again (only a hash of it is stored).',
    'Clients send it as the header  Authorization: Bearer <key>',
  ];
  if (wasOpen) lines.push('This is the first key: /api/v1 and /v1 now refuse requests without a key.');
  context.stderr.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

function revokeKey(service: KeyService, name: string, context: CliContext): number {
  const outcome = service.revoke(name);
  if (outcome.status === 'not-found') {
    context.stderr.write(`groundwork keys revoke: no API key named "${name}" (groundwork keys list shows them)\n`);
    return EXIT_FAILED;
  }
  if (outcome.status === 'already-revoked') {
    context.stdout.write(`API key "${name}" was already revoked (${when(outcome.info.revokedAt)}).\n`);
    return EXIT_OK;
  }
  context.stdout.write(`Revoked API key "${name}" (${outcome.info.prefix}…).\n`);
  if (!service.required())
    context.stdout.write('No key is left: /api/v1 and /v1 are open again to anyone who can reach the server.\n');
  return EXIT_OK;
}

const COLUMNS = ['NAME', 'PREFIX', 'CREATED', 'LAST USED', 'REVOKED'] as const;

export function keyTable(keys: readonly ApiKeyInfo[]): string {
  const rows = keys.map((key) => [
    key.name,
    key.prefix,
    when(key.createdAt),
    when(key.lastUsedAt),
    when(key.revokedAt),
  ]);
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return `${[line(COLUMNS), ...rows.map(line)].join('\n')}\n`;
}

/** UTC to the second (`2026-11-22 10:31:05Z`), or a dash for never. */
function when(iso: string | null): string {
  return iso === null ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
