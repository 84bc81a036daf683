import { Command } from 'commander';
import { checkFlowFile, FlowFiles } from './flow-files.js';
import type { CliContext } from './main.js';

const EXIT_VALID = 0;
const EXIT_INVALID = 1;

export function validateCommand(context: CliContext): Command {
  return new Command('validate')
    .description('Check flow files (YAML, schema, graph, types, sub-flow references) without running them')
    .argument('<files...>', '*.flow.yaml files')
    .action((paths: string[]) => {
      context.exitCode = validateFiles(paths, context);
    });
}

/**
 * Prints one `✓ file` line per valid file and one `file: problem` line per problem, every problem of every file,
 * all on stdout: the problems are what this command was asked for.
 */
export function validateFiles(paths: readonly string[], context: CliContext): number {
  const files = new FlowFiles(context.cwd);
  const paint = painter(context.color);
  const printed = new Set<string>();
  let valid = true;
  for (const path of paths) {
    const { file, problems } = checkFlowFile(files, path);
    if (problems.length === 0) {
      context.stdout.write(`${paint.green('✓')} ${file.label}\n`);
      continue;
    }
    valid = false;
    for (const problem of problems) {
      const line = `${paint.red(problem.file)}: ${problem.message}\n`;
      // A broken file referenced by several of the files checked is reported once.
      if (printed.has(line)) continue;
      printed.add(line);
      context.stdout.write(line);
    }
  }
  return valid ? EXIT_VALID : EXIT_INVALID;
}

function painter(color: boolean) {
  const wrap = (code: number) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[39m` : text);
  return { green: wrap(32), red: wrap(31) };
}
