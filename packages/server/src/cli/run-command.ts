import {
  type CompiledFlow,
  compileFlow,
  DEFAULT_CONCURRENCY,
  defaultRegistry,
  type ModelProvider,
  type RunErrorInfo,
  RunRequestError,
  type RunResult,
  runFlow,
} from '@groundwork/runtime';
import { describeLoadedModel, modelSearchPaths, OnnxEngine, parseDeviceRequest } from '@groundwork/runtime/models';
import type { Retriever } from '@groundwork/runtime/retrieval';
import { Command } from 'commander';
import { resolveScorer } from '../groundedness/scorers.js';
import { onnxModelHost } from '../models/model-host.js';
import { DB_OPTION } from './flow-database.js';
import { checkFlowFile, FlowFiles } from './flow-files.js';
import type { CliContext } from './main.js';
import {
  buildRunInputs,
  collectAssignment,
  MAX_SEED,
  parsePositiveInteger,
  parseSeed,
  UsageError,
} from './run-inputs.js';
import { lazyRetriever } from './run-retriever.js';

const EXIT_SUCCEEDED = 0;
/** The flow is invalid or cannot be read, or the run failed. */
const EXIT_FAILED = 1;
/** The command line or the run request is wrong; nothing ran. */
const EXIT_USAGE = 2;
const EXIT_CANCELLED = 130;

export interface RunCommandOptions {
  input?: [string, string][];
  inputsJson?: string;
  model?: string;
  device?: string;
  dtype?: string;
  variant?: [string, string][];
  events?: boolean;
  concurrency?: number;
  seed?: number;
  /** The database whose collections retrieve nodes search. */
  db?: string;
}

export function runCommand(context: CliContext): Command {
  return new Command('run')
    .description('Run a flow file and print its outputs as JSON')
    .argument('<file>', 'the *.flow.yaml file to run')
    .option('-i, --input <name=value>', 'an input value, converted by the input type (repeatable)', collectAssignment)
    .option('--inputs-json <json>', 'input values as a JSON object, or @file.json; --input overrides them')
    .option('--model <name-or-path>', 'the model for llm nodes that name none: a folder, or a name under ./models')
    .option('--device <device>', 'auto (default, or GROUNDWORK_DEVICE), cpu, webgpu or cuda')
    .option('--dtype <dtype>', 'which graph of a model folder to load: fp32, fp16, q8, q4, ...')
    .option('--variant <node=variant>', 'run a node with one of its variants (repeatable)', collectAssignment)
    .option('--events', 'print every run event as a JSON line as the run goes, instead of the outputs')
    .option('--concurrency <n>', `nodes running at once (default: ${DEFAULT_CONCURRENCY})`, parsePositiveInteger)
    .option(
      '--seed <n>',
      `the run's seed, 0 to ${MAX_SEED}: the same seed, flow, inputs and variants sample the same text (default: random; when a node sampled, stderr says which)`,
      parseSeed,
    )
    .option(DB_OPTION[0], `${DB_OPTION[1]}; retrieve nodes search its collections (opened only when one runs)`)
    .action(async (file: string, options: RunCommandOptions) => {
      context.exitCode = await runFlowFile(file, options, context);
    });
}

/**
 * The local models llm nodes run on: models are found by name under ./models and GROUNDWORK_MODELS_PATH, or by
 * path; `--model` is the one used when a node names none. Nothing loads until an llm node runs, and each model
 * reports on stderr which device it runs on and why others were passed over.
 */
function modelEngine(options: RunCommandOptions, context: CliContext): OnnxEngine {
  return new OnnxEngine({
    device: parseDeviceRequest(options.device ?? process.env.GROUNDWORK_DEVICE),
    cwd: context.cwd,
    ...(options.model ? { defaultModel: options.model } : {}),
    ...(options.dtype ? { dtype: options.dtype } : {}),
    onLoad: (info) => context.stderr.write(`groundwork: ${describeLoadedModel(info)}\n`),
  });
}

export async function runFlowFile(path: string, options: RunCommandOptions, context: CliContext): Promise<number> {
  const fail = (message: string, status: number) => {
    context.stderr.write(`groundwork: ${message}\n`);
    return status;
  };
  let models: OnnxEngine;
  try {
    models = modelEngine(options, context);
  } catch (error) {
    // Only the device setting can be wrong here.
    return fail(`--device: ${(error as Error).message}`, EXIT_USAGE);
  }
  const collections = lazyRetriever(options.db, context.cwd);
  try {
    return await runWith(models, collections.retriever, path, options, context, fail);
  } finally {
    await collections.close();
    await models.close();
  }
}

async function runWith(
  models: OnnxEngine,
  retriever: Retriever,
  path: string,
  options: RunCommandOptions,
  context: CliContext,
  fail: (message: string, status: number) => number,
): Promise<number> {
  const files = new FlowFiles(context.cwd);
  const { file, problems } = checkFlowFile(files, path);
  if (!file.ok || problems.length > 0) {
    for (const problem of problems) context.stderr.write(`${problem.file}: ${problem.message}\n`);
    return EXIT_FAILED;
  }
  const flow = compileFlow(file.flow, { registry: defaultRegistry(), resolveReference: files.resolveReference });

  let inputs: Record<string, unknown>;
  try {
    inputs = buildRunInputs(file.flow, {
      inputsJson: options.inputsJson,
      input: options.input ?? [],
      cwd: context.cwd,
    });
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message, EXIT_USAGE);
    throw error;
  }

  // With --events, stdout carries one JSON event per line as the run goes and nothing else: the run-end event
  // already holds the outputs, and a second, pretty-printed document would break line-by-line readers.
  const onEvent = options.events
    ? (event: unknown) => {
        context.stdout.write(`${JSON.stringify(event)}\n`);
      }
    : undefined;

  const sampling = watchSampling(models);
  // groundedness nodes with the llm or nli scorer load them from the same models.
  const host = onnxModelHost(models, modelSearchPaths({ cwd: context.cwd }), options.device ?? 'auto');
  let result: RunResult;
  try {
    result = await runFlow(flow, {
      inputs,
      variants: Object.fromEntries(options.variant ?? []),
      signal: context.signal,
      models: sampling.models,
      scorers: (request) => resolveScorer(host, request),
      retriever,
      ...(onEvent ? { onEvent } : {}),
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    });
  } catch (error) {
    if (!(error instanceof RunRequestError)) throw error;
    for (const problem of error.problems) context.stderr.write(`${problem.field}: ${problem.message}\n`);
    return EXIT_USAGE;
  }

  // A random seed is worth knowing only when something sampled with it; stdout stays the outputs alone, and with
  // --events the run-start event carries the seed.
  if (options.seed === undefined && !options.events && sampling.sampled() && result.status !== 'cancelled') {
    context.stderr.write(`groundwork: sampled with seed ${result.seed} (--seed ${result.seed} repeats this run)\n`);
  }

  switch (result.status) {
    case 'succeeded':
      if (!options.events) context.stdout.write(`${JSON.stringify(declaredOrder(flow, result.outputs), null, 2)}\n`);
      return EXIT_SUCCEEDED;
    case 'cancelled':
      return fail('the run was cancelled', EXIT_CANCELLED);
    case 'failed':
      return fail(describeFailure(result.error), EXIT_FAILED);
  }
}

/** The models, noting whether any generation sampled (a temperature above 0): then the run's seed decided the text. */
function watchSampling(models: ModelProvider): { models: ModelProvider; sampled(): boolean } {
  let sampled = false;
  return {
    models: {
      async get(name) {
        const model = await models.get(name);
        return {
          name: model.name,
          generate(request, options) {
            if ((request.temperature ?? 0) > 0) sampled = true;
            return model.generate(request, options);
          },
        };
      },
    },
    sampled: () => sampled,
  };
}

/** Outputs in the order the flow declares them, whatever order the branches finished in. */
function declaredOrder(flow: CompiledFlow, outputs: Record<string, unknown>): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const name of flow.outputNames) if (name in outputs) ordered[name] = outputs[name];
  return ordered;
}

function describeFailure(error: RunErrorInfo | undefined): string {
  if (!error) return 'the run failed';
  const scope = error.scope ? ` (in ${error.scope})` : '';
  const where = error.nodeId === undefined ? '' : ` at node "${error.nodeId}"${scope}`;
  return `the run failed${where}: ${error.message} [${error.code}]`;
}
