import { Command } from 'commander';
import { DB_OPTION, FlowDatabaseError, findStoredFlow, openStoredFlows } from './flow-database.js';
import { flowHistory } from './flow-history.js';
import { renderHistory } from './history-render.js';
import type { CliContext } from './main.js';

const EXIT_OK = 0;
/** The database cannot be read, or holds no such flow (a wrong command line is 2, as everywhere). */
const EXIT_FAILED = 1;

export interface HistoryCommandOptions {
  /** Where GROUNDWORK_DB is read from; process.env when not given (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

interface HistoryFlags {
  db?: string;
  json?: boolean;
  color?: boolean;
}

export function historyCommand(context: CliContext, options: HistoryCommandOptions = {}): Command {
  return new Command('history')
    .description(
      "List a stored flow's versions, newest first: time, note, labels, which one is published, and what changed",
    )
    .argument('<flow>', 'the name or id of a flow stored in the database')
    .option(...DB_OPTION)
    .option('--json', 'print the history as JSON: { flow, published, versions: [{ ..., labels, changes }] }')
    .option('--color', 'colour the output even when it is not a terminal')
    .option('--no-color', 'never colour the output')
    .addHelpText(
      'after',
      '\nThe database is only read. Published endpoints serve the version labelled production, else the latest.\n' +
        'Exit status: 0 listed, 1 the database cannot be read or has no such flow, 2 a wrong command line.\n',
    )
    .action((flow: string, flags: HistoryFlags) => {
      context.exitCode = showHistory(flow, flags, context, options.env ?? process.env);
    });
}

function showHistory(reference: string, flags: HistoryFlags, context: CliContext, env: NodeJS.ProcessEnv): number {
  let stored: ReturnType<typeof openStoredFlows>;
  try {
    stored = openStoredFlows(flags.db, context.cwd, env);
  } catch (error) {
    return failed(error, context);
  }
  try {
    const history = flowHistory(stored, findStoredFlow(stored, reference));
    context.stdout.write(
      flags.json
        ? `${JSON.stringify(history, null, 2)}\n`
        : renderHistory(history, { color: flags.color ?? context.color }),
    );
    return EXIT_OK;
  } catch (error) {
    return failed(error, context);
  } finally {
    stored.close();
  }
}

function failed(error: unknown, context: CliContext): number {
  if (!(error instanceof FlowDatabaseError)) throw error;
  context.stderr.write(`groundwork history: ${error.message}\n`);
  return EXIT_FAILED;
}
