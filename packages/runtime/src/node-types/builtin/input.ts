import { z } from 'zod';
import { identifierSchema } from '../../schema/flow.js';
import { parsePortType, primitive } from '../../schema/port-types.js';
import { defineNodeType } from '../node-type.js';
import { undeclaredName } from './flow-interface.js';

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
  check: (config, context) => undeclaredName('input', config.name, context.flowInputs),
  execute(_inputs, context) {
    const value = context.flowInputs[context.config.name];
    return { outputs: value === undefined ? {} : { value } };
  },
});
