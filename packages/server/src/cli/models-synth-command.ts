import { resolve } from 'node:path';
import { SYNTH_SHAPES, SynthOptionError, synthesizeModel } from '@groundwork/runtime/models';
import { Command, Option } from 'commander';
import { displayPath } from './display.js';
import type { CliContext } from './main.js';
import { formatBytes } from './models-list-command.js';

const EXIT_OK = 0;
/** The folder could not be written. */
const EXIT_FAILED = 1;
/** An unknown shape, a bad seed, an occupied destination. */
const EXIT_USAGE = 2;
const PROGRESS_EVERY_MS = 1000;

interface SynthFlags {
  out: string;
  graph: 'plain' | 'fused';
  dtype: 'fp16' | 'fp32';
  seed: string;
  form?: 'genai' | 'split';
  int4?: boolean;
}

/** `groundwork models synth SHAPE --out DIR`: a model of a real shape with random weights, for benchmarks. */
export function modelsSynthCommand(context: CliContext): Command {
  return new Command('synth')
    .description(
      'Write a model folder of a real model shape with random weights (for benchmarks; its output means nothing)',
    )
    .argument('<shape>', `the shape: ${Object.keys(SYNTH_SHAPES).join(', ')}`)
    .requiredOption('--out <dir>', 'the folder to write (new or empty)')
    .addOption(
      new Option('--graph <graph>', 'plain exported operators, or fused GroupQueryAttention as onnxruntime-genai emits')
        .choices(['plain', 'fused'])
        .default('fused'),
    )
    .addOption(new Option('--dtype <dtype>', 'weights and activations').choices(['fp16', 'fp32']).default('fp16'))
    .addOption(
      new Option(
        '--form <form>',
        'of the fused graph: genai (q, k, v in one projection, rotary inside GroupQueryAttention, as ' +
          'onnxruntime-genai builds it; the default) or split (separate projections, RotaryEmbedding nodes)',
      ).choices(['genai', 'split']),
    )
    .option('--int4', 'the fused graph with 4-bit MatMulNBits projections (blocks of 32) instead of float ones')
    .option('--seed <n>', 'the same seed gives the same weights', '0')
    .addHelpText(
      'after',
      '\nPrompts are token ids written as words: "t5 t17 t3" is the ids 5, 17, 3. Token t0 is the end of sequence; ' +
        'greedy decoding never produces it.\n',
    )
    .action((shape: string, flags: SynthFlags) => {
      context.exitCode = synth(shape, flags, context);
    });
}

function synth(shape: string, flags: SynthFlags, context: CliContext): number {
  const seed = /^\s*\d+\s*$/.test(flags.seed) ? Number(flags.seed) : Number.NaN;
  if (!Number.isSafeInteger(seed)) {
    context.stderr.write(`groundwork: the seed must be a whole number ≥ 0, not ${flags.seed}\n`);
    return EXIT_USAGE;
  }
  const fused = {
    ...(flags.form === 'split' ? { rotary: 'nodes' as const } : {}),
    ...(flags.int4 ? { weights: 'int4' as const } : {}),
  };
  const started = performance.now();
  let lastReport = started;
  try {
    const model = synthesizeModel({
      shape,
      graph: flags.graph,
      dtype: flags.dtype,
      seed,
      ...(flags.form || flags.int4 ? { fused } : {}),
      out: resolve(context.cwd, flags.out),
      onProgress: (written, total) => {
        const now = performance.now();
        if (now - lastReport < PROGRESS_EVERY_MS && written < total) return;
        lastReport = now;
        const percent = Math.floor((written / total) * 100);
        context.stderr.write(`weights ${percent}% (${formatBytes(written)} of ${formatBytes(total)})\n`);
      },
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const what = [flags.graph, flags.form, flags.int4 ? 'int4' : undefined, flags.dtype].filter(Boolean).join(', ');
    context.stdout.write(
      `wrote ${shape} (${what}, seed ${seed}): ${model.parameters.toLocaleString('en-US')} ` +
        `parameters, ${formatBytes(model.sizeBytes)} in ${seconds} s, to ${displayPath(model.path, context.cwd)}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    if (error instanceof SynthOptionError) {
      context.stderr.write(`groundwork: ${error.message}\n`);
      return EXIT_USAGE;
    }
    context.stderr.write(`groundwork: cannot write the model to ${flags.out}: ${(error as Error).message}\n`);
    return EXIT_FAILED;
  }
}
