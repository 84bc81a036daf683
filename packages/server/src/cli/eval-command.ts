import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describeLoadedModel, modelSearchPaths, OnnxEngine, parseDeviceRequest } from '@groundwork/runtime/models';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import { type App, createApp } from '../app.js';
import { createEvaluationBodySchema, type Evaluation } from '../evaluations/evaluations.schemas.js';
import { FlowsService } from '../flows/flows.service.js';
import { toHttpError } from '../http/error-middleware.js';
import { parseRequest } from '../http/parse.js';
import { onnxModelHost } from '../models/model-host.js';
import { openCommandDatabase } from './command-database.js';
import { EvaluationProgress } from './eval-progress.js';
import { type ComparisonLine, renderEvaluation } from './eval-render.js';
import { DB_OPTION } from './flow-database.js';
import type { CliContext } from './main.js';
import { collectAssignment, parsePositiveInteger, parseSeed } from './run-inputs.js';

const EXIT_OK = 0;
/** The evaluation failed (every item), or the flow, data file or database cannot be used. */
const EXIT_FAILED = 1;
/** The command line or the evaluation request is wrong; nothing was stored. */
const EXIT_USAGE = 2;
const EXIT_CANCELLED = 130;

export interface EvalOptions {
  data?: string;
  name?: string;
  map?: [string, string][];
  variants?: [string, string][];
  metrics?: string;
  scorer?: 'default' | 'llm' | 'nli';
  threshold?: number;
  judgeModel?: string;
  answer?: string;
  context?: string;
  question?: string;
  reference?: string;
  concurrency?: number;
  seed?: number;
  db?: string;
  model?: string;
  device?: string;
  json?: boolean;
  resume?: string;
}

function parseThreshold(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new InvalidArgumentError('expected a number from 0 to 1');
  return value;
}

export function evalCommand(context: CliContext): Command {
  return new Command('eval')
    .description('evaluate a flow over a dataset, per combination of variants, and print each metric with its interval')
    .argument('[flow]', 'a *.flow.yaml file (saved as a version) or a stored flow name or id')
    .option('--data <file>', 'the dataset: JSONL, CSV or JSON (imported; the same rows again reuse their dataset)')
    .option('--name <name>', 'a name for the evaluation')
    .option(
      '--map <input=column>',
      'feed a flow input from a column (repeatable; default: same-named columns)',
      collectAssignment,
    )
    .option(
      '--variants <node=a,b>',
      'variants of a node to sweep (repeatable: the cross product runs)',
      collectAssignment,
    )
    .option(
      '--metrics <names>',
      'comma-separated: groundedness, relevance, exact_match, contains, similarity, latency, tokens_in, tokens_out',
    )
    .option('--scorer <scorer>', 'groundedness scorer: default (no model), llm or nli')
    .option('--threshold <t>', 'groundedness threshold in [0, 1]', parseThreshold)
    .option('--judge-model <model>', 'the model of the llm or nli scorer')
    .option('--answer <field>', 'where the answer is: outputs.NAME, inputs.NAME or row.COLUMN')
    .option('--context <field>', 'where the context is')
    .option('--question <field>', 'where the question is')
    .option('--reference <field>', 'where the reference answer is')
    .option('--concurrency <n>', 'items in flight at once (default 8)', parsePositiveInteger)
    .option('--seed <n>', 'the evaluation seed (each item derives its own)', parseSeed)
    .option(...DB_OPTION)
    .option('--model <name-or-path>', 'the model for llm nodes that name none')
    .option('--device <device>', 'auto (default, or GROUNDWORK_DEVICE), cpu, webgpu or cuda')
    .option('--json', 'print the evaluation, its summary and comparisons as JSON')
    .option('--resume <id>', 'go on with a stopped evaluation: only items not done run')
    .action(async (flow: string | undefined, options: EvalOptions) => {
      context.exitCode = await evaluate(flow, options, context);
    });
}

async function evaluate(flow: string | undefined, options: EvalOptions, context: CliContext): Promise<number> {
  const fail = (message: string, status: number) => {
    context.stderr.write(`groundwork eval: ${message}\n`);
    return status;
  };
  if (!options.resume && (!flow || !options.data)) {
    return fail('give a flow and --data FILE, or --resume EVALUATION_ID', EXIT_USAGE);
  }
  let device: ReturnType<typeof parseDeviceRequest>;
  try {
    device = parseDeviceRequest(options.device ?? process.env.GROUNDWORK_DEVICE);
  } catch (error) {
    return fail(`--device: ${(error as Error).message}`, EXIT_USAGE);
  }
  const opened = openCommandDatabase(options.db, context, 'eval');
  if (!opened) return EXIT_FAILED;
  const { db } = opened;
  const searchPaths = modelSearchPaths({ cwd: context.cwd });
  const engine = new OnnxEngine({
    device,
    searchPaths,
    cwd: context.cwd,
    ...(options.model ? { defaultModel: options.model } : {}),
    onLoad: (info) => context.stderr.write(`groundwork: ${describeLoadedModel(info)}\n`),
  });
  const app = createApp({ db, models: onnxModelHost(engine, searchPaths, device), log: pino({ level: 'silent' }) });
  try {
    return await runEvaluation(app, flow, options, context);
  } catch (error) {
    const known = toHttpError(error);
    if (!known) throw error;
    const issues = (known.details.issues as { path: string; message: string }[] | undefined) ?? [];
    if (issues.length === 0) return fail(known.message, known.code === 'invalid-request' ? EXIT_USAGE : EXIT_FAILED);
    for (const issue of issues) context.stderr.write(`groundwork eval: ${optionName(issue.path)}: ${issue.message}\n`);
    return known.status < 500 && known.code !== 'invalid-flow' ? EXIT_USAGE : EXIT_FAILED;
  } finally {
    await app.close();
    db.close();
  }
}

async function runEvaluation(
  app: App,
  flow: string | undefined,
  options: EvalOptions,
  cli: CliContext,
): Promise<number> {
  const { evaluations, datasets } = app.context;
  let evaluation: Evaluation;
  if (options.resume) {
    evaluation = await evaluations.resume(options.resume);
  } else {
    const file = resolve(cli.cwd, flow!);
    let flowRef = flow!;
    let version: number | undefined;
    if (existsSync(file) && statSync(file).isFile()) {
      // The file as a version of the flow of its name (the same content again is the same version).
      const saved = new FlowsService(app.context).importYaml(readFileSync(file, 'utf8'), 'groundwork eval');
      flowRef = saved.flow.id;
      version = saved.version.version;
    }
    const dataFile = resolve(cli.cwd, options.data!);
    if (!existsSync(dataFile)) {
      cli.stderr.write(`groundwork eval: --data: no file ${options.data}\n`);
      return EXIT_USAGE;
    }
    const { dataset } = datasets.importFile(dataFile);
    evaluation = await evaluations.create(
      parseRequest(
        createEvaluationBodySchema,
        { ...requestBody(flowRef, dataset.id, options), ...(version === undefined ? {} : { version }) },
        'body',
      ),
    );
  }
  const progress = new EvaluationProgress(cli.stderr, Boolean((cli.stderr as { isTTY?: boolean }).isTTY));
  const live = evaluations.follow(evaluation.id).live;
  const unsubscribe = live?.subscribe((event) => {
    if (event.type === 'progress') progress.update(event.data);
  });
  const cancel = () => void evaluations.cancel(evaluation.id).catch(() => {});
  cli.signal.addEventListener('abort', cancel, { once: true });
  const ended = await evaluations.waitFor(evaluation.id);
  cli.signal.removeEventListener('abort', cancel);
  unsubscribe?.();
  progress.finish(ended.progress);

  const summary = evaluations.summary(ended);
  const comparisons: ComparisonLine[] = [];
  for (const combination of ended.combinations.slice(1)) {
    for (const metric of ended.metrics) {
      const { rows: _rows, ...line } = evaluations.comparisons.compare({
        a: `${ended.id}:0`,
        b: `${ended.id}:${combination.index}`,
        metric,
      });
      comparisons.push(line);
    }
  }
  if (options.json) cli.stdout.write(`${JSON.stringify({ evaluation: ended, summary, comparisons }, null, 2)}\n`);
  else cli.stdout.write(renderEvaluation(ended, summary, comparisons));
  if (ended.status === 'cancelled' || ended.status === 'interrupted') {
    cli.stderr.write(`groundwork eval: cancelled; resume with --resume ${ended.id}\n`);
    return EXIT_CANCELLED;
  }
  if (ended.status === 'failed') {
    cli.stderr.write(`groundwork eval: ${ended.error?.message ?? 'the evaluation failed'}\n`);
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

function requestBody(flow: string, dataset: string, options: EvalOptions): Record<string, unknown> {
  const fields = Object.fromEntries(
    (['answer', 'context', 'question', 'reference'] as const)
      .filter((field) => options[field] !== undefined)
      .map((field) => [field, options[field]]),
  );
  const groundedness = {
    ...(options.scorer === undefined ? {} : { scorer: options.scorer }),
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    ...(options.judgeModel === undefined ? {} : { model: options.judgeModel }),
  };
  return {
    flow,
    dataset,
    ...(options.name ? { name: options.name } : {}),
    ...(options.map ? { mapping: Object.fromEntries(options.map) } : {}),
    ...(options.variants
      ? {
          variants: Object.fromEntries(
            options.variants.map(([node, list]) => [node, list.split(',').map((v) => v.trim())]),
          ),
        }
      : {}),
    ...(options.metrics ? { metrics: options.metrics.split(',').map((metric) => metric.trim()) } : {}),
    ...(Object.keys(fields).length ? { fields } : {}),
    ...(Object.keys(groundedness).length ? { groundedness } : {}),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
}

/** A request path as the option that sets it: `body.variants.ask.1` → `--variants ask`. */
function optionName(path: string): string {
  const [, field, key] = path.split('.');
  const options: Record<string, string> = {
    variants: '--variants',
    mapping: '--map',
    metrics: '--metrics',
    dataset: '--data',
    flow: 'flow',
    concurrency: '--concurrency',
    seed: '--seed',
    name: '--name',
  };
  if (field === 'fields' && key) return `--${key}`;
  if (field === 'groundedness' && key) return key === 'model' ? '--judge-model' : `--${key}`;
  const option = field ? options[field] : undefined;
  return option ? `${option}${key && field !== 'metrics' ? ` ${key}` : ''}` : path;
}
