import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GroundednessResult, GroundednessScorer } from '@groundwork/runtime/evaluators';
import { modelSearchPaths, OnnxEngine, parseDeviceRequest } from '@groundwork/runtime/models';
import { Command, InvalidArgumentError } from 'commander';
import { resolveScorer, SCORER_NAMES, type ScorerSpec } from '../groundedness/scorers.js';
import { onnxModelHost } from '../models/model-host.js';
import { readGroundednessRows } from './groundedness-rows.js';
import type { CliContext } from './main.js';
import { parsePositiveInteger } from './run-inputs.js';

const EXIT_OK = 0;
/** A bad data file, or a row the scorer failed on. */
const EXIT_FAILED = 1;
/** A wrong command line or scorer setting; nothing was scored. */
const EXIT_USAGE = 2;
const EXIT_CANCELLED = 130;

interface GroundednessOptions {
  data: string;
  scorer?: string;
  model?: string;
  threshold?: number;
  device?: string;
  concurrency?: number;
}

export function groundednessCommand(context: CliContext): Command {
  return new Command('groundedness')
    .description(
      'Score answers for groundedness: reads JSON Lines rows with "context" and "answer" (or "claim"), and writes one JSON line per row: id (when the row has one), score in [0, 1], supported (score >= threshold), rating (1-5) and sentences. A file with bad rows is refused whole (every bad line named on stderr, nothing on stdout). Rows are written in order as they are scored; if scoring fails on a row, the command stops there with exit 1 and the lines already written are the rows before it.',
    )
    .requiredOption('--data <file>', 'the JSON Lines file')
    .option('--scorer <name>', `${SCORER_NAMES.join(', ')} (default: default, which needs no model)`)
    .option('--model <name-or-path>', 'for llm: a chat model; for nli: an ONNX NLI classifier folder')
    .option('--threshold <t>', 'supported when the score reaches it (default: the scorer’s own)', parseThreshold)
    .option('--device <device>', 'where models run: auto, cpu, webgpu, cuda (default: auto, or GROUNDWORK_DEVICE)')
    .option(
      '--concurrency <n>',
      'rows scored at once (default: 8 for llm, whose calls batch; else 1)',
      parsePositiveInteger,
    )
    .action(async (options: GroundednessOptions) => {
      context.exitCode = await scoreFile(options, context);
    });
}

async function scoreFile(options: GroundednessOptions, context: CliContext): Promise<number> {
  const fail = (message: string, status: number) => {
    context.stderr.write(`groundwork: ${message}\n`);
    return status;
  };
  const scorerName = options.scorer ?? 'default';
  if (!(SCORER_NAMES as readonly string[]).includes(scorerName)) {
    return fail(`--scorer: "${scorerName}" is not one of ${SCORER_NAMES.join(', ')}`, EXIT_USAGE);
  }
  const path = resolve(context.cwd, options.data);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail(`--data: cannot read ${options.data} (${(error as NodeJS.ErrnoException).code ?? error})`, EXIT_FAILED);
  }
  const { rows, problems, total } = readGroundednessRows(text);
  if (total > 0) {
    for (const problem of problems) context.stderr.write(`${options.data}:${problem.line}: ${problem.message}\n`);
    const more = total > problems.length ? ` (${total - problems.length} more not shown)` : '';
    return fail(
      `${total} bad line${total === 1 ? '' : 's'} in ${options.data}${more}; nothing was scored`,
      EXIT_FAILED,
    );
  }

  let engine: OnnxEngine;
  try {
    const device = parseDeviceRequest(options.device ?? process.env.GROUNDWORK_DEVICE);
    engine = new OnnxEngine({ device, cwd: context.cwd });
  } catch (error) {
    return fail(`--device: ${(error as Error).message}`, EXIT_USAGE);
  }
  try {
    const host = onnxModelHost(engine, modelSearchPaths({ cwd: context.cwd }), options.device ?? 'auto');
    const spec: ScorerSpec = {
      scorer: scorerName as ScorerSpec['scorer'],
      ...(options.model !== undefined ? { model: options.model } : {}),
      ...(options.threshold !== undefined ? { threshold: options.threshold } : {}),
    };
    let scorer: GroundednessScorer;
    try {
      scorer = await resolveScorer(host, spec);
    } catch (error) {
      return fail((error as Error).message, EXIT_USAGE);
    }
    const concurrency = options.concurrency ?? (scorerName === 'llm' ? 8 : 1);
    return await scoreRows(rows, scorer, concurrency, options.data, context, fail);
  } finally {
    await engine.close();
  }
}

/** Scores with `concurrency` rows in flight, writing each line as soon as the rows before it are written. */
async function scoreRows(
  rows: ReturnType<typeof readGroundednessRows>['rows'],
  scorer: GroundednessScorer,
  concurrency: number,
  file: string,
  context: CliContext,
  fail: (message: string, status: number) => number,
): Promise<number> {
  const results: (GroundednessResult | undefined)[] = new Array(rows.length);
  let written = 0;
  let next = 0;
  let failure: { index: number; error: unknown } | undefined;
  const failed = (index: number, error: unknown) => {
    // The first row that failed is the one reported: the rows before it are written, none after it.
    if (!failure || index < failure.index) failure = { index, error };
  };
  const stopped = () => failure !== undefined || context.signal.aborted;
  const flush = () => {
    while (written < rows.length && results[written]) {
      const row = rows[written]!;
      const { score, supported, rating, sentences } = results[written]!;
      const line = { ...(row.id !== undefined ? { id: row.id } : {}), score, supported, rating, sentences };
      context.stdout.write(`${JSON.stringify(line)}\n`);
      results[written] = undefined;
      written++;
    }
  };
  const worker = async () => {
    while (next < rows.length && !stopped()) {
      const index = next++;
      try {
        results[index] = await scorer.score(rows[index]!.input, { signal: context.signal });
      } catch (error) {
        failed(index, error);
        return;
      }
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  if (context.signal.aborted) return fail(`cancelled after ${written} of ${rows.length} rows`, EXIT_CANCELLED);
  const first = failure as { index: number; error: unknown } | undefined;
  if (first) {
    const message = (first.error as Error)?.message ?? String(first.error);
    return fail(
      `${file}:${rows[first.index]!.line}: ${message} (the ${written} rows before it were written)`,
      EXIT_FAILED,
    );
  }
  return EXIT_OK;
}

function parseThreshold(value: string): number {
  const threshold = Number(value);
  if (value.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new InvalidArgumentError('expected a number from 0 to 1');
  }
  return threshold;
}
