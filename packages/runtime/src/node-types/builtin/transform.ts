import { z } from 'zod';
import { compileExpression } from '../../prompts/jinja.js';
import { portTypeStringSchema } from '../../schema/flow.js';
import { checkValue, parsePortType } from '../../schema/port-types.js';
import { defineNodeType, NodeError } from '../node-type.js';
import { expressionInputs, expressionSchema } from './expression-ports.js';

export const transformNode = defineNodeType({
  type: 'transform',
  title: 'Transform',
  description:
    'Reshapes data with a Jinja expression (e.g. `answer | trim | upper`, `items | map(attribute="title") | list`, `{"q": question, "n": items | length}`). Each variable it reads becomes an input.',
  category: 'data',
  configSchema: z.strictObject({
    expression: expressionSchema,
    /** The type of the result, checked at run time. */
    type: portTypeStringSchema.default('json'),
  }),
  ports(config) {
    return {
      inputs: expressionInputs(config.expression),
      outputs: [{ name: 'value', type: parsePortType(config.type) }],
    };
  },
  execute(inputs, { config }) {
    const value = compileExpression(config.expression).evaluate(inputs);
    const problem = checkValue(value, parsePortType(config.type));
    if (problem)
      throw new NodeError('output-type', `the expression's result does not match type ${config.type}: ${problem}`, {
        retryable: false,
      });
    return { outputs: { value } };
  },
});
