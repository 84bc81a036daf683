import { resolve } from 'node:path';
import { Command } from 'commander';
import type { Dataset } from '../datasets/datasets.schemas.js';
import { DatasetService } from '../datasets/datasets.service.js';
import { HttpError } from '../http/http-error.js';
import { withCommandDatabase } from './command-database.js';
import { DB_OPTION } from './flow-database.js';
import type { CliContext } from './main.js';

const EXIT_OK = 0;
/** The database cannot be opened, the file cannot be read or has bad lines, or the name is taken. */
const EXIT_FAILED = 1;
/** A dataset name that is not allowed. */
const EXIT_USAGE = 2;

export interface DatasetsCommandOptions {
  /** Where GROUNDWORK_DB is read from; process.env when not given (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

/**
 * `groundwork datasets import|list`: the datasets evaluations run over, in the database file directly (a running
 * server sees an import at once).
 */
export function datasetsCommand(context: CliContext, options: DatasetsCommandOptions = {}): Command {
  const datasets = new Command('datasets').description('import and list the datasets that evaluations run over');
  const run = (db: string | undefined, use: (service: DatasetService, label: string) => number) => {
    context.exitCode = withDatasets(db, context, options.env ?? process.env, use);
  };

  datasets.addCommand(
    new Command('import')
      .description(
        'import a JSONL, CSV (with a header row) or JSON (array of objects) file, whole or not at all; the same rows again reuse their dataset',
      )
      .argument('<file>', 'the dataset file (.jsonl, .ndjson, .csv, .tsv or .json)')
      .option('--name <name>', "the dataset's name (default: the file's name without its extension)")
      .option('--json', 'print the dataset as JSON')
      .option(...DB_OPTION)
      .action((file: string, flags: { name?: string; db?: string; json?: boolean }) =>
        run(flags.db, (service, label) => importDataset(service, file, flags, label, context)),
      ),
  );
  datasets.addCommand(
    new Command('list')
      .description('list the datasets: name, id, format, rows, columns, created')
      .option('--json', 'print the list as JSON')
      .option(...DB_OPTION)
      .action((flags: { db?: string; json?: boolean }) =>
        run(flags.db, (service, label) => {
          const list = service.list();
          if (flags.json) context.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          else if (list.length === 0)
            context.stdout.write(`No datasets in ${label}. Import one with \`groundwork datasets import FILE\`.\n`);
          else context.stdout.write(datasetTable(list));
          return EXIT_OK;
        }),
      ),
  );
  return datasets;
}

function withDatasets(
  option: string | undefined,
  context: CliContext,
  env: NodeJS.ProcessEnv,
  use: (service: DatasetService, label: string) => number,
): number {
  return withCommandDatabase(option, context, 'datasets', env, (db, label) => use(new DatasetService(db), label));
}

function importDataset(
  service: DatasetService,
  file: string,
  flags: { name?: string; json?: boolean },
  label: string,
  context: CliContext,
): number {
  let result: ReturnType<DatasetService['importFile']>;
  try {
    result = service.importFile(resolve(context.cwd, file), { name: flags.name });
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    context.stderr.write(`groundwork datasets import: ${file}: ${error.message}\n`);
    const issues = (error.details.issues ?? []) as { path: string; line?: number; message: string }[];
    const lines = issues.filter((issue) => issue.line !== undefined);
    if (lines.length > 1) for (const issue of lines) context.stderr.write(`  line ${issue.line}: ${issue.message}\n`);
    return issues.some((issue) => issue.path === 'name') && error.code === 'invalid-request' ? EXIT_USAGE : EXIT_FAILED;
  }
  const { dataset, reused } = result;
  if (flags.json) {
    context.stdout.write(`${JSON.stringify({ dataset, reused }, null, 2)}\n`);
    return EXIT_OK;
  }
  const rows = `${dataset.rowCount} row${dataset.rowCount === 1 ? '' : 's'}`;
  context.stdout.write(
    reused
      ? `${file} holds the same rows as dataset "${dataset.name}" (${dataset.id}, ${rows}) in ${label}: reused it.\n`
      : `Imported ${rows} from ${file} as dataset "${dataset.name}" (${dataset.id}) in ${label}.\n` +
          `Columns: ${dataset.columns.join(', ')}\n`,
  );
  return EXIT_OK;
}

const COLUMNS = ['NAME', 'ID', 'FORMAT', 'ROWS', 'COLUMNS', 'CREATED'] as const;

export function datasetTable(datasets: readonly Dataset[]): string {
  const rows = datasets.map((dataset) => [
    dataset.name,
    dataset.id,
    dataset.format,
    String(dataset.rowCount),
    shorten(dataset.columns.join(','), 40),
    dataset.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
  ]);
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return `${[line(COLUMNS), ...rows.map(line)].join('\n')}\n`;
}

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
