import { diffFlows, diffVariants, isEmptyDiff } from '@groundwork/runtime/diff';
import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_CONTEXT, fieldsWithContext, withContext } from './diff-context.js';
import { renderFlowDiff, renderVariantDiff } from './diff-render.js';
import { type DiffRequest, FlowSourceError, flowForVariants, flowsToCompare } from './diff-sources.js';
import { DB_OPTION, FlowDatabaseError } from './flow-database.js';
import { GitRevisionError } from './git-revisions.js';
import type { CliContext } from './main.js';
import { UsageError } from './run-inputs.js';

/** As diff(1): 0 the same, 1 different, 2 trouble (a wrong command line, something that cannot be read). */
const EXIT_SAME = 0;
const EXIT_DIFFERENT = 1;
const EXIT_TROUBLE = 2;

export interface DiffCommandOptions {
  /** Where GROUNDWORK_DB is read from; process.env when not given (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

interface DiffFlags {
  from?: string;
  to?: string;
  db?: string;
  node?: string;
  variants?: [string, string];
  json?: boolean;
  color?: boolean;
  context: number;
}

const HELP = `
What is compared:
  groundwork diff A.flow.yaml B.flow.yaml       two files, A → B
  groundwork diff FILE [--from REV] [--to REV]  a file at git revisions: --from defaults to HEAD, --to to the
                                                file as it is on disk
  groundwork diff FLOW [--from REF] [--to REF]  a stored flow (name or id) in --db; REF is a version number, a
                                                label or latest: --to defaults to latest, --from to the version
                                                before it
  add --node ID --variants A,B                  to compare two variants of one node instead (of the file, or of
                                                the revision or version that --to names)

Output: a header, then per section (flow, inputs, outputs, nodes, edges) items marked + added, - removed,
~ changed, each changed field as "path: before → after", and texts as word-level diffs with line numbers. In
colour (a terminal, or --color, or FORCE_COLOR), edited lines show as - and + lines with the changed words
highlighted; without colour, changed words are marked [-removed-]{+added+} and a line edited in place shows once,
marked ~.

Exit status, as diff(1): 0 no differences, 1 differences, 2 trouble (a wrong command line, a file or revision
that cannot be read, an unknown flow, version or variant).
`;

export function diffCommand(context: CliContext, options: DiffCommandOptions = {}): Command {
  return new Command('diff')
    .description('Show what changed between two flows: files, git revisions of a file, or stored versions')
    .argument('<file-or-flow>', 'a *.flow.yaml file, or the name or id of a flow stored in the database')
    .argument('[other-file]', 'a second file: compare the first to it')
    .option('--from <ref>', 'the older side: a git revision of the file, or a stored version (number, label, latest)')
    .option('--to <ref>', 'the newer side: a git revision of the file, or a stored version (number, label, latest)')
    .option(...DB_OPTION)
    .option('--node <id>', 'compare two variants of this node (with --variants)')
    .option('--variants <a,b>', 'the two variants to compare, from,to', parseVariantPair)
    .option('--json', 'print the diff as JSON (the FlowDiff, or the list of field changes for --variants)')
    .option('--color', 'colour the output even when it is not a terminal')
    .option('--no-color', 'never colour the output')
    .option('--context <lines>', 'unchanged lines shown around each text change', parseContext, DEFAULT_CONTEXT)
    .addHelpText('after', HELP)
    .action((first: string, second: string | undefined, flags: DiffFlags) => {
      context.exitCode = runDiff({ first, second, ...flags }, flags, context, options.env ?? process.env);
    });
}

function runDiff(request: DiffRequest, flags: DiffFlags, context: CliContext, env: NodeJS.ProcessEnv): number {
  const color = flags.color ?? context.color;
  try {
    if ((request.node === undefined) !== (flags.variants === undefined))
      throw new UsageError('--node and --variants go together: --node ID --variants A,B');
    if (request.node !== undefined && flags.variants) {
      const { label, flow } = flowForVariants(request, { cwd: context.cwd, env });
      const node = flow.nodes.find((candidate) => candidate.id === request.node);
      if (!node) {
        const withVariants = flow.nodes.filter((candidate) => candidate.variants?.length).map((n) => n.id);
        throw new UsageError(
          `--node: ${label} has no node "${request.node}" (nodes with variants: ${withVariants.join(', ') || 'none'})`,
        );
      }
      const [from, to] = flags.variants;
      const fields = fieldsWithContext(variantDiff(node, from, to), flags.context);
      const header = `${label}: node "${node.id}", variant "${from}" → "${to}"`;
      context.stdout.write(
        flags.json ? `${JSON.stringify(fields, null, 2)}\n` : renderVariantDiff(fields, header, { color }),
      );
      return fields.length === 0 ? EXIT_SAME : EXIT_DIFFERENT;
    }
    const pair = flowsToCompare(request, { cwd: context.cwd, env });
    const diff = withContext(diffFlows(pair.before, pair.after), flags.context);
    context.stdout.write(
      flags.json ? `${JSON.stringify(diff, null, 2)}\n` : renderFlowDiff(diff, pair.header, { color }),
    );
    return isEmptyDiff(diff) ? EXIT_SAME : EXIT_DIFFERENT;
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof FlowSourceError ||
      error instanceof GitRevisionError ||
      error instanceof FlowDatabaseError
    ) {
      context.stderr.write(`${prefixed(error.message)}\n`);
      return EXIT_TROUBLE;
    }
    throw error;
  }
}

function variantDiff(...args: Parameters<typeof diffVariants>) {
  try {
    return diffVariants(...args);
  } catch (error) {
    // diffVariants names the variants the node has.
    if (error instanceof RangeError) throw new UsageError(`--variants: ${error.message}`);
    throw error;
  }
}

/** Every line of a message starts with `groundwork diff:`, so each reads alone in a log. */
function prefixed(message: string): string {
  return message
    .split('\n')
    .map((line) => `groundwork diff: ${line}`)
    .join('\n');
}

function parseVariantPair(text: string): [string, string] {
  const names = text.split(',').map((name) => name.trim());
  if (names.length !== 2 || names.some((name) => name === ''))
    throw new InvalidArgumentError('expected two variant names, from,to (e.g. plain,expert)');
  return [names[0]!, names[1]!];
}

function parseContext(text: string): number {
  const value = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value))
    throw new InvalidArgumentError('expected a whole number of lines from 0');
  return value;
}
