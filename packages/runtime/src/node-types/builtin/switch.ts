import { z } from 'zod';
import { compileExpression } from '../../prompts/jinja.js';
import { identifierSchema } from '../../schema/flow.js';
import { primitive } from '../../schema/port-types.js';
import { defineNodeType } from '../node-type.js';
import { expressionInputs, expressionSchema, PASS_THROUGH_PORT } from './expression-ports.js';

const DEFAULT_CASE = 'default';

const configSchema = z
  .strictObject({
    expression: expressionSchema,
    /** Output names; the expression's value (as text) picks the case of the same name, else `default`. */
    cases: z.array(identifierSchema).min(1),
  })
  .superRefine((config, context) => {
    const seen = new Set<string>();
    config.cases.forEach((name, index) => {
      if (name === DEFAULT_CASE) {
        context.addIssue({
          code: 'custom',
          path: ['cases', index],
          message: '"default" is always an output; list only the other cases',
        });
      } else if (seen.has(name)) {
        context.addIssue({ code: 'custom', path: ['cases', index], message: `case "${name}" is listed twice` });
      }
      seen.add(name);
    });
  });

export const switchNode = defineNodeType({
  type: 'switch',
  title: 'Switch',
  description:
    'Evaluates a Jinja expression and activates the output named by its value, or `default`; the nodes behind the other outputs are skipped.',
  category: 'control',
  branching: true,
  configSchema,
  ports(config) {
    return {
      inputs: [PASS_THROUGH_PORT, ...expressionInputs(config.expression, ['value'])],
      outputs: [...config.cases, DEFAULT_CASE].map((name) => ({ name, type: primitive('any') })),
    };
  },
  inferOutputs(config, inputTypes) {
    const type = inputTypes.get('value') ?? primitive('json');
    return [...config.cases, DEFAULT_CASE].map((name) => ({ name, type }));
  },
  execute(inputs, { config }) {
    const result = compileExpression(config.expression).evaluate(inputs);
    const key = typeof result === 'string' ? result : JSON.stringify(result);
    const port = config.cases.includes(key) ? key : DEFAULT_CASE;
    return { outputs: { [port]: 'value' in inputs ? inputs.value : result } };
  },
});
