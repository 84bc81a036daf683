import { dirname, join, relative, resolve, sep } from 'node:path';
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
  type PullProgress,
  type PullResult,
  pullModel,
  repoName,
} from '@groundwork/runtime/models';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliContext, OutputStream } from './main.js';
import { formatBytes } from './models-list-command.js';
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
  const reporter = isTerminal(context.stderr)
    ? new ProgressBar(context.stderr, terminalColumns(context.stderr))
    : new ProgressLines(context.stderr, context.cwd);
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
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  const line =
    `Pulled ${result.repo} (${result.revision}): ${count(result.files.length, 'file')}, ${formatBytes(total)} in ${shown}` +
    ` (${formatBytes(result.downloadedBytes)} downloaded, ${count(present, 'file')} already present)\n`;
  // `models list` looks in ./models and GROUNDWORK_MODELS_PATH only; a folder elsewhere needs the variable.
  const listed = configuredModelPaths({ cwd, env }).some(
    (path) => path === result.destination || path === dirname(result.destination),
  );
  const hint = listed
    ? ''
    : ` (add ${displayPath(dirname(result.destination), cwd)} to ${MODELS_PATH_VARIABLE} for it to be listed)`;
  return `${line}Next: groundwork models list${hint}\n`;
}

interface Reporter {
  update(event: PullProgress): void;
  /** The pull is over (either way); output after this starts on a clean line. */
  finish(): void;
}

/** For logs and pipes: one line when the pull starts and one per finished file, nothing redrawn. */
class ProgressLines implements Reporter {
  readonly #resumedAt = new Map<string, number>();

  constructor(
    private readonly stream: OutputStream,
    private readonly cwd: string,
  ) {}

  update(event: PullProgress): void {
    switch (event.type) {
      case 'pull-start': {
        const files = `${event.files.length} file${event.files.length === 1 ? '' : 's'}`;
        const where = displayPath(event.destination, this.cwd);
        this.stream.write(
          `Pulling ${event.repo} (${event.revision}): ${files}, ${formatBytes(event.totalBytes)} into ${where}\n`,
        );
        return;
      }
      case 'file-start':
        if (event.offset > 0) this.#resumedAt.set(event.path, event.offset);
        else this.#resumedAt.delete(event.path);
        return;
      case 'file-end': {
        const resumed = this.#resumedAt.get(event.path);
        const note = resumed === undefined ? '' : `, resumed at ${formatBytes(resumed)}`;
        const verb = event.skipped ? 'present   ' : 'downloaded';
        this.stream.write(`${verb} ${event.path} (${formatBytes(event.size)}${note})\n`);
        return;
      }
    }
  }

  finish(): void {}
}

const REDRAW_MS = 100;
const SPEED_WINDOW_MS = 5_000;
const BAR_WIDTH = 20;

/** For a terminal: one line redrawn in place with overall bytes, speed, time left and the files downloading. */
class ProgressBar implements Reporter {
  #total = 0;
  #finished = 0;
  /** Bytes on disk of each file downloading now. */
  readonly #active = new Map<string, number>();
  /** Bytes received by this pull, with when: the speed is taken over the last few seconds. */
  #received = 0;
  readonly #samples: { at: number; received: number }[] = [];
  #drawnAt = 0;
  #drawn = false;

  constructor(
    private readonly stream: OutputStream,
    private readonly columns: number,
  ) {}

  update(event: PullProgress): void {
    switch (event.type) {
      case 'pull-start':
        this.#total = event.totalBytes;
        this.#draw(true);
        return;
      case 'file-start':
        this.#active.set(event.path, event.offset);
        this.#draw(true);
        return;
      case 'file-progress':
        this.#received += event.bytes - (this.#active.get(event.path) ?? 0);
        this.#active.set(event.path, event.bytes);
        this.#draw(false);
        return;
      case 'file-end':
        this.#active.delete(event.path);
        this.#finished += event.size;
        this.#draw(true);
        return;
    }
  }

  finish(): void {
    if (this.#drawn) this.stream.write('\r\u001b[K');
    this.#drawn = false;
  }

  #draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = now;
    this.#samples.push({ at: now, received: this.#received });
    while (this.#samples.length > 2 && now - this.#samples[0]!.at > SPEED_WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0]!;
    const seconds = (now - first.at) / 1000;
    const speed = seconds > 0 ? (this.#received - first.received) / seconds : 0;

    let done = this.#finished;
    for (const bytes of this.#active.values()) done += bytes;
    const fraction = this.#total > 0 ? Math.min(1, done / this.#total) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const parts = [
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`,
      `${String(Math.floor(fraction * 100)).padStart(3)}%`,
      `${formatBytes(done)} / ${formatBytes(this.#total)}`,
    ];
    if (speed > 0) parts.push(`${formatBytes(speed)}/s`);
    if (speed > 0 && done < this.#total) parts.push(`${formatDuration((this.#total - done) / speed)} left`);
    // A line as wide as the terminal wraps, and \r then redraws only its last row: the file names give way first.
    const width = Math.max(10, this.columns - 1);
    let line = parts.join('  ');
    const files = [...this.#active.keys()];
    const room = width - line.length - 2;
    if (files.length > 0 && room >= 8) {
      const more = files.length > 1 ? ` +${files.length - 1}` : '';
      line += `  ${shortenStart(files[0]!, room - more.length)}${more}`;
    }
    line = line.slice(0, width);
    this.stream.write(`\r${line}\u001b[K`);
    this.#drawn = true;
  }
}

/** `…` and the end of the text: the end of a path says more than its start. */
function shortenStart(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - width + 1)}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** The context's streams are process.stderr or a test's buffer: a terminal says so with isTTY. */
function isTerminal(stream: OutputStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function terminalColumns(stream: OutputStream): number {
  const columns = (stream as { columns?: number }).columns;
  return typeof columns === 'number' && columns > 0 ? columns : 80;
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}

/** Paths under the working directory are shown relative to it (`models/tiny`), others in full. */
function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.split(sep)[0] === '..' || rel.startsWith(sep) || /^[a-zA-Z]:/.test(rel) ? path : rel;
}
