import { z } from 'zod';
import { compileTemplate, TemplateError } from '../../prompts/jinja.js';
import { primitive } from '../../schema/port-types.js';
import { defineNodeType, type PortSpec } from '../node-type.js';

const messageTemplateSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  template: z.string(),
});

const configSchema = z
  .strictObject({
    /** Renders to text. */
    template: z.string().optional(),
    /** Renders to chat messages, one template per message. */
    messages: z.array(messageTemplateSchema).min(1).optional(),
  })
  .superRefine((config, context) => {
    if ((config.template === undefined) === (config.messages === undefined)) {
      context.addIssue({
        code: 'custom',
        path: ['template'],
        message: 'give either template (text) or messages (chat), not both or neither',
      });
    }
    const templates: [string, (string | number)[]][] = [];
    if (config.template !== undefined) templates.push([config.template, ['template']]);
    config.messages?.forEach((message, index) => {
      templates.push([message.template, ['messages', index, 'template']]);
    });
    for (const [source, path] of templates) {
      try {
        compileTemplate(source);
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        context.addIssue({ code: 'custom', path, message: error.message });
      }
    }
  });

type PromptConfig = z.output<typeof configSchema>;

function templateSources(config: PromptConfig): string[] {
  return config.template !== undefined ? [config.template] : (config.messages ?? []).map((message) => message.template);
}

export const promptNode = defineNodeType({
  type: 'prompt',
  title: 'Prompt',
  description:
    'Renders a Jinja template into text, or a list of message templates into chat messages. Each variable the templates read becomes an input. Carries variants to compare wordings.',
  category: 'text',
  configSchema,
  supportsVariants: true,
  ports(config) {
    const inputs: PortSpec[] = [];
    const seen = new Set<string>();
    for (const source of templateSources(config)) {
      for (const variable of compileTemplate(source).variables) {
        if (seen.has(variable)) continue;
        seen.add(variable);
        inputs.push({
          name: variable,
          type: primitive('any'),
          required: true,
          description: `{{ ${variable} }} in the template`,
        });
      }
    }
    const output = config.messages ? primitive('messages') : primitive('text');
    return { inputs, outputs: [{ name: 'prompt', type: output }] };
  },
  execute(inputs, { config }) {
    if (config.template !== undefined) return { outputs: { prompt: compileTemplate(config.template).render(inputs) } };
    const messages = (config.messages ?? []).map((message) => ({
      role: message.role,
      content: compileTemplate(message.template).render(inputs),
    }));
    return { outputs: { prompt: messages } };
  },
});
