import { z } from 'zod';
import { compileExpression } from '../../prompts/jinja.js';
import { primitive } from '../../schema/port-types.js';
import { defineNodeType } from '../node-type.js';
import { expressionInputs, expressionSchema, PASS_THROUGH_PORT } from './expression-ports.js';

export const conditionNode = defineNodeType({
  type: 'condition',
  title: 'Condition',
  description:
    'Evaluates a Jinja expression and activates its true or false output; the nodes behind the other output are skipped. The value input passes through to the chosen output.',
  category: 'control',
  branching: true,
  configSchema: z.strictObject({ expression: expressionSchema }),
  ports(config) {
    return {
      inputs: [PASS_THROUGH_PORT, ...expressionInputs(config.expression, ['value'])],
      outputs: [
        { name: 'true', type: primitive('any') },
        { name: 'false', type: primitive('any') },
      ],
    };
  },
  inferOutputs(_config, inputTypes) {
    const type = inputTypes.get('value') ?? primitive('boolean');
    return [
      { name: 'true', type },
      { name: 'false', type },
    ];
  },
  execute(inputs, { config }) {
    const passed = compileExpression(config.expression).test(inputs);
    const value = 'value' in inputs ? inputs.value : passed;
    return { outputs: passed ? { true: value } : { false: value } };
  },
});
