import { z } from 'zod';
import { defineNodeType } from '../node-type.js';
import { subflowInputPorts, subflowOutputPorts, subflowSpecSchema } from './subflow-config.js';

export const subflowNode = defineNodeType({
  type: 'subflow',
  title: 'Sub-flow',
  description: "Runs another flow as one node: its inputs and outputs become the node's ports.",
  category: 'flow',
  configSchema: z.strictObject({ flow: subflowSpecSchema }),
  subflow: (config) => config.flow,
  ports(config, context) {
    const flow = context.resolveFlow(config.flow);
    if (!flow) return { inputs: [], outputs: [] };
    return { inputs: subflowInputPorts(flow), outputs: subflowOutputPorts(flow) };
  },
  async execute(inputs, context) {
    return { outputs: await context.runSubflow(inputs) };
  },
});
