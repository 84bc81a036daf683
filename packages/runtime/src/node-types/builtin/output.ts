import { z } from 'zod';
import { identifierSchema } from '../../schema/flow.js';
import { parsePortType, primitive } from '../../schema/port-types.js';
import { defineNodeType, NO_OUTPUTS } from '../node-type.js';
import { undeclaredName } from './flow-interface.js';

export const outputNode = defineNodeType({
  type: 'output',
  title: 'Output',
  description:
    "Sets one of the flow's declared outputs. When the output node is skipped (its branch was not taken), the run has no value for that output.",
  category: 'io',
  configSchema: z.strictObject({ name: identifierSchema }),
  ports(config, context) {
    const declared = context.flowOutputs[config.name];
    return {
      inputs: [{ name: 'value', type: declared ? parsePortType(declared.type) : primitive('any'), required: true }],
      outputs: [],
    };
  },
  flowOutput: (config) => config.name,
  check: (config, context) => undeclaredName('output', config.name, context.flowOutputs),
  execute(inputs, context) {
    context.setFlowOutput(context.config.name, inputs.value);
    return NO_OUTPUTS;
  },
});
