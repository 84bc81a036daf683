import { Command } from 'commander';
import type { CliContext } from './main.js';
import { modelsListCommand } from './models-list-command.js';
import { modelsPullCommand } from './models-pull-command.js';

/** `groundwork models list|pull`: the local models llm nodes can use. */
export function modelsCommand(context: CliContext): Command {
  const models = new Command('models').description('list the local models, or pull one from the Hugging Face Hub');
  for (const command of [modelsListCommand(context), modelsPullCommand(context)]) models.addCommand(command);
  return models;
}
