import { existsSync } from 'node:fs';
import {
  configuredModelPaths,
  listModels,
  MODELS_PATH_VARIABLE,
  type ModelSummary,
  modelSearchPaths,
} from '@groundwork/runtime/models';
import { Command } from 'commander';
import { displayPath } from './display.js';
import type { CliContext } from './main.js';

export interface ModelsListCommandOptions {
  /** Where GROUNDWORK_MODELS_PATH is read from; process.env when not given (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

export function modelsListCommand(context: CliContext, options: ModelsListCommandOptions = {}): Command {
  return new Command('list')
    .description(`List the model folders in ./models and ${MODELS_PATH_VARIABLE}`)
    .option('--json', 'print the list as JSON')
    .action((flags: { json?: boolean }) => {
      const env = options.env ?? process.env;
      const models = listModels(modelSearchPaths({ cwd: context.cwd, env }));
      if (flags.json) context.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
      else if (models.length === 0)
        context.stdout.write(noModelsHelp(configuredModelPaths({ cwd: context.cwd, env }), context));
      else context.stdout.write(modelTable(models, context));
      // Unusable folders are part of the answer, not a failure of the command.
      context.exitCode = 0;
    });
}

const COLUMNS = ['NAME', 'LAYOUT', 'DTYPE', 'SIZE', 'CONTEXT', 'CHAT', 'PATH'] as const;

/** One row per folder; an unusable folder gets dashes and, on the line under it, what is wrong. */
export function modelTable(models: readonly ModelSummary[], context: Pick<CliContext, 'cwd' | 'color'>): string {
  const rows = models.map((model): string[] => {
    const path = displayPath(model.path, context.cwd);
    if (model.problem !== undefined) return [model.name, '-', '-', '-', '-', '-', path];
    const others = (model.dtypes ?? []).filter((dtype) => dtype !== model.dtype);
    return [
      model.name,
      model.layout ?? '-',
      others.length > 0 ? `${model.dtype} (${others.join(', ')})` : (model.dtype ?? '-'),
      model.sizeBytes === undefined ? '-' : formatBytes(model.sizeBytes),
      model.contextLength === undefined ? '-' : String(model.contextLength),
      model.hasChatTemplate ? 'yes' : 'no',
      path,
    ];
  });
  const widths = COLUMNS.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  // The last column is not padded, so lines carry no trailing spaces.
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  const red = (text: string) => (context.color ? `\u001b[31m${text}\u001b[39m` : text);
  const lines = [line(COLUMNS)];
  models.forEach((model, index) => {
    lines.push(line(rows[index]!));
    if (model.problem !== undefined) lines.push(`  ${red('unusable:')} ${model.problem}`);
  });
  return `${lines.join('\n')}\n`;
}

function noModelsHelp(searched: readonly string[], context: Pick<CliContext, 'cwd'>): string {
  const where = searched
    .map((path) => `${displayPath(path, context.cwd)}${existsSync(path) ? '' : ' (does not exist)'}`)
    .join(', ');
  return (
    `No models found (searched ${where}).\n` +
    'Add one with `groundwork models pull REPO_ID`, copy a model folder into ./models, ' +
    `or set ${MODELS_PATH_VARIABLE} to folders that hold models (separated by ':').\n`
  );
}

/** Decimal units, as disk sizes and download pages show them: 1195087 bytes is 1.2 MB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  // 999.6 kB would print as "1000 kB"; it moves up a unit instead.
  while (value >= 999.5 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value < 99.95 ? value.toFixed(1) : value.toFixed(0)} ${units[unit]}`;
}
