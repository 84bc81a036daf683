import { z } from 'zod';
import { identifierSchema } from '../../schema/flow.js';
import { parsePortType, primitive } from '../../schema/port-types.js';
import { defineNodeType } from '../node-type.js';

export const inputNode = defineNodeType({
  type: 'input',
  title: 'Input',
  description:
    "Brings one of the flow's declared inputs into the graph. An optional input that a run does not give produces no value, so the nodes that need it are skipped.",
  category: 'io',
  configSchema: z.strictObject({ name: identifierSchema }),
  ports(config, context) {
    const declared = context.flowInputs[config.name];
    return {
      inputs: [],
      outputs: [{ name: 'value', type: declared ? parsePortType(declared.type) : primitive('any') }],
    };
  },
  check(config, context) {
    if (config.name in context.flowInputs) return [];
    const declared = Object.keys(context.flowInputs);
    return [
      {
        code: 'unknown-flow-input',
        path: ['name'],
        message: `flow input "${config.name}" is not declared under inputs${declared.length ? ` (declared: ${declared.join(', ')})` : ''}`,
      },
    ];
  },
  execute(_inputs, context) {
    const value = context.flowInputs[context.config.name];
    return { outputs: value === undefined ? {} : { value } };
  },
});
