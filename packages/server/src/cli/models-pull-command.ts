import { dirname, join, resolve } from 'node:path';
import {
  checkRepoId,
  configuredModelPaths,
  DEFAULT_HUB_URL,
  DEFAULT_PULL_CONCURRENCY,
  DEFAULT_REVISION,
  DTYPES,
  type Dtype,
  HubError,
  MODELS_PATH_VARIABLE,
  type PullResult,
  pullModel,
  repoName,
} from '@groundwork/runtime/models';
import { Command, InvalidArgumentError, Option } from 'commander';
import { displayPath } from './display.js';
import type { CliContext } from './main.js';
import { formatBytes } from './models-list-command.js';
import { createPullReporter, formatCount } from './pull-progress.js';
import { parsePositiveInteger } from './run-inputs.js';

const EXIT_OK = 0;
/** The hub refused or failed, a file did not verify, or the destination cannot be written. */
const EXIT_FAILED = 1;
const EXIT_CANCELLED = 130;

/** Where the hub is; a mirror or a test server in the hub's URL layout. */
export const HUB_URL_VARIABLE = 'GROUNDWORK_HUB_URL';
/** The Hugging Face tools' own variables, so that an existing setup (token, mirror) works as it is. */
const TOKEN_VARIABLE = 'HF_TOKEN';
const HF_ENDPOINT_VARIABLE = 'HF_ENDPOINT';

export interface ModelsPullCommandOptions {
  /** Where HF_TOKEN and GROUNDWORK_HUB_URL are read from; process.env when not given (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

interface PullFlags {
  revision: string;
  include?: string[];
  dtype?: Dtype;
  out?: string;
  concurrency?: number;
}

export function modelsPullCommand(context: CliContext, options: ModelsPullCommandOptions = {}): Command {
  return new Command('pull')
    .description('Download a model from the Hugging Face Hub into ./models/<name>, resumably, verifying every file')
    .argument('<repo>', 'the model repository, owner/name (e.g. onnx-community/Qwen2.5-0.5B-Instruct)', parseRepo)
    .option('--revision <revision>', 'branch, tag or commit', DEFAULT_REVISION)
    .option(
      '--include <pattern>',
      'only files whose repository path matches this glob (repeatable): * and ? stay in a folder, ** crosses folders',
      collectPattern,
    )
    .addOption(
      new Option('--dtype <dtype>', 'only these weights: every non-ONNX file plus onnx/model_<dtype>.onnx*').choices(
        DTYPES,
      ),
    )
    .option('--out <dir>', 'the destination folder (default: ./models/<name>)')
    .option(
      '--concurrency <n>',
      `files downloading at once (default: ${DEFAULT_PULL_CONCURRENCY})`,
      parsePositiveInteger,
    )
    .addHelpText(
      'after',
      `\nA private or gated model needs an access token in ${TOKEN_VARIABLE}. ${HUB_URL_VARIABLE} (or ${HF_ENDPOINT_VARIABLE}) ` +
        `points at a mirror instead of ${DEFAULT_HUB_URL}.\nAn interrupted pull resumes when run again; ` +
        'files already downloaded and verified are skipped.\n',
    )
    .action(async (repo: string, flags: PullFlags) => {
      context.exitCode = await pull(repo, flags, context, options.env ?? process.env);
    });
}

function parseRepo(text: string): string {
  const problem = checkRepoId(text);
  if (problem) throw new InvalidArgumentError(problem);
  return text;
}

function collectPattern(pattern: string, previous: readonly string[] = []): string[] {
  if (pattern.trim() === '') throw new InvalidArgumentError('expected a glob, e.g. "*.json" or "onnx/model_q4.onnx*"');
  return [...previous, pattern];
}

async function pull(repo: string, flags: PullFlags, context: CliContext, env: NodeJS.ProcessEnv): Promise<number> {
  const destination = resolve(context.cwd, flags.out ?? join('models', repoName(repo)));
  const shown = displayPath(destination, context.cwd);
  const reporter = createPullReporter(context.stderr, context.cwd);
  let result: PullResult;
  try {
    result = await pullModel({
      repo,
      revision: flags.revision,
      include: flags.include,
      dtype: flags.dtype,
      destination,
      baseUrl: env[HUB_URL_VARIABLE] || env[HF_ENDPOINT_VARIABLE] || undefined,
      token: env[TOKEN_VARIABLE] || undefined,
      signal: context.signal,
      concurrency: flags.concurrency,
      onProgress: (event) => reporter.update(event),
    });
  } catch (error) {
    reporter.finish();
    const fail = (message: string, status: number) => {
      context.stderr.write(`groundwork: ${message}\n`);
      return status;
    };
    if (context.signal.aborted || (error instanceof HubError && error.code === 'cancelled')) {
      return fail(
        `the pull was cancelled; run the same command again to resume it (partial files stay in ${shown})`,
        EXIT_CANCELLED,
      );
    }
    if (error instanceof HubError) return fail(error.message, EXIT_FAILED);
    // The destination cannot be created or written (permissions, a file in the way, a full disk).
    if (isSystemError(error)) return fail(`cannot write the model to ${shown}: ${error.message}`, EXIT_FAILED);
    throw error;
  }
  reporter.finish();
  context.stdout.write(summary(result, shown, context.cwd, env));
  return EXIT_OK;
}

function summary(result: PullResult, shown: string, cwd: string, env: NodeJS.ProcessEnv): string {
  const total = result.files.reduce((sum, file) => sum + file.size, 0);
  const present = result.files.filter((file) => file.skipped).length;
  const line =
    `Pulled ${result.repo} (${result.revision}): ${formatCount(result.files.length, 'file')}, ${formatBytes(total)} in ${shown}` +
    ` (${formatBytes(result.downloadedBytes)} downloaded, ${formatCount(present, 'file')} already present)\n`;
  // `models list` looks in ./models and GROUNDWORK_MODELS_PATH only; a folder elsewhere needs the variable.
  const listed = configuredModelPaths({ cwd, env }).some(
    (path) => path === result.destination || path === dirname(result.destination),
  );
  const hint = listed
    ? ''
    : ` (add ${displayPath(dirname(result.destination), cwd)} to ${MODELS_PATH_VARIABLE} for it to be listed)`;
  return `${line}Next: groundwork models list${hint}\n`;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
