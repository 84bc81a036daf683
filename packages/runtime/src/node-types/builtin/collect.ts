import { listOf, primitive } from '../../schema/port-types.js';
import { defineNodeType } from '../node-type.js';
import { commonType, joinConfigSchema, joinInputs } from './join-ports.js';

export const collectNode = defineNodeType({
  type: 'collect',
  title: 'Collect',
  description:
    'Joins parallel branches: waits for all of them and outputs the active values as a list (in port order) and as an object keyed by port name.',
  category: 'control',
  configSchema: joinConfigSchema,
  join: 'any',
  ports(config) {
    return {
      inputs: joinInputs(config.ports),
      outputs: [
        { name: 'list', type: listOf(primitive('any')) },
        { name: 'object', type: primitive('json') },
      ],
    };
  },
  inferOutputs(_config, inputTypes) {
    return [
      { name: 'list', type: listOf(commonType(inputTypes)) },
      { name: 'object', type: primitive('json') },
    ];
  },
  execute(inputs, { config }) {
    const list: unknown[] = [];
    const object: Record<string, unknown> = {};
    for (const port of config.ports) {
      if (!(port in inputs)) continue;
      list.push(inputs[port]);
      object[port] = inputs[port];
    }
    return { outputs: { list, object } };
  },
});
