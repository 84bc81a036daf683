import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { collectionsCommand } from './collections-command.js';
import { wantsColor } from './color.js';
import { datasetsCommand } from './datasets-command.js';
import { diffCommand } from './diff-command.js';
import { evalCommand } from './eval-command.js';
import { groundednessCommand } from './groundedness-command.js';
import { historyCommand } from './history-command.js';
import { keysCommand } from './keys-command.js';
import { modelsCommand } from './models-command.js';
import { runCommand } from './run-command.js';
import { serveCommand } from './serve-command.js';
import { validateCommand } from './validate-command.js';

/** Where a command writes; process.stdout/stderr, or a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
}

/** What every command gets from the host, so commands never reach for process globals and tests can stand in. */
export interface CliContext {
  stdout: OutputStream;
  stderr: OutputStream;
  cwd: string;
  /** Whether output may be coloured: FORCE_COLOR, else stdout is a terminal and NO_COLOR is unset (see wantsColor). */
  color: boolean;
  /**
   * Aborted on the first Ctrl-C (SIGINT). Commands doing long work stop through it (a run ends `cancelled`);
   * a second Ctrl-C exits at once.
   */
  signal: AbortSignal;
  /** The status the process exits with; the command that ran sets it. */
  exitCode: number;
}

/**
 * Exit statuses: 0 success; 1 an invalid flow, an unreadable file or a failed run; 2 a wrong command line or run
 * request (unknown option, bad input value, unknown variant); 130 interrupted with Ctrl-C (128 + SIGINT, as
 * shells report it). The commands set theirs; these are the ones decided here.
 */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;
const EXIT_INTERRUPTED = 130;

export function createContext(overrides: Partial<CliContext> = {}): CliContext {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    color: wantsColor(process.env, Boolean(process.stdout.isTTY)),
    signal: new AbortController().signal,
    exitCode: EXIT_OK,
    ...overrides,
  };
}

/**
 * The `groundwork` program. Each command is built in a file of its own (`./<name>-command.ts` exporting
 * `<name>Command()`) and added here.
 */
export function createProgram(context: CliContext = createContext()): Command {
  const program = new Command('groundwork')
    .description('Groundwork: check, run, diff and serve prompt flows (*.flow.yaml) on your own machine.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run groundwork help for usage)')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
    })
    // Commander would call process.exit itself; instead its errors come back to runCli as exit statuses.
    .exitOverride();
  const commands = [
    validateCommand(context),
    runCommand(context),
    diffCommand(context),
    historyCommand(context),
    modelsCommand(context),
    serveCommand(context),
    keysCommand(context),
    datasetsCommand(context),
    evalCommand(context),
    groundednessCommand(context),
    collectionsCommand(context),
  ];
  // addCommand, unlike program.command(), does not pass on the output and exit settings above.
  for (const command of commands) program.addCommand(inheritSettings(program, command));
  return program;
}

/** Gives a command and its own sub-commands (`models list`) the program's output and exit settings. */
function inheritSettings(parent: Command, command: Command): Command {
  command.copyInheritedSettings(parent);
  for (const sub of command.commands) inheritSettings(command, sub);
  return command;
}

/** Parses `args` (without `node` and the script) and runs the command; resolves with the exit status. */
export async function runCli(args: readonly string[], context: CliContext = createContext()): Promise<number> {
  const program = createProgram(context);
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help and version end in a CommanderError too, with status 0; every other one is a usage error.
    return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  }
  return context.exitCode;
}

function packageVersion(): string {
  // ../../package.json from both src/cli and dist/cli.
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Whether this module is what `node` was asked to run: directly, or through bin/groundwork.js (which imports it). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  const started = real(script);
  return (
    started === real(fileURLToPath(import.meta.url)) ||
    started === real(fileURLToPath(new URL('../../bin/groundwork.js', import.meta.url)))
  );
}

async function main(): Promise<void> {
  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (interrupt.signal.aborted) process.exit(EXIT_INTERRUPTED);
    interrupt.abort(new Error('interrupted (Ctrl-C)'));
  };
  process.on('SIGINT', onInterrupt);
  // A reader that stops early (`groundwork run --events ... | head`) closes the pipe; that ends the output, quietly.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? EXIT_OK);
  });
  try {
    // Setting exitCode rather than calling process.exit lets piped output drain and a server keep running.
    process.exitCode = await runCli(process.argv.slice(2), createContext({ signal: interrupt.signal }));
  } catch (error) {
    // Expected failures are handled by the commands; anything reaching here is a bug, so its stack is useful.
    process.stderr.write(`groundwork: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = EXIT_FAILED;
  } finally {
    // Once the command has returned (a server returns when it listens), Ctrl-C gets Node's default again unless
    // the command installed its own handling.
    process.off('SIGINT', onInterrupt);
  }
}

if (isEntryPoint()) await main();
