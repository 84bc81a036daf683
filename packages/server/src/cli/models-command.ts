import { Command } from 'commander';
import type { CliContext } from './main.js';
import { modelsListCommand } from './models-list-command.js';
import { modelsPullCommand } from './models-pull-command.js';
import { modelsSynthCommand } from './models-synth-command.js';

/** `groundwork models list|pull|synth`: the local models llm nodes can use, and random-weight ones for benchmarks. */
export function modelsCommand(context: CliContext): Command {
  const models = new Command('models').description(
    'list the local models, pull one from the Hugging Face Hub, or synthesize one with random weights',
  );
  for (const command of [modelsListCommand(context), modelsPullCommand(context), modelsSynthCommand(context)])
    models.addCommand(command);
  return models;
}
