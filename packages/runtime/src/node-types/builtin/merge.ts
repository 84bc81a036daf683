import { primitive } from '../../schema/port-types.js';
import { defineNodeType } from '../node-type.js';
import { commonType, joinConfigSchema, joinInputs } from './join-ports.js';

export const mergeNode = defineNodeType({
  type: 'merge',
  title: 'Merge',
  description:
    'Joins exclusive branches (after a condition or switch): outputs the value of the first of its inputs, in port order, that is active. Skipped only when none is.',
  category: 'control',
  configSchema: joinConfigSchema,
  join: 'any',
  ports(config) {
    return { inputs: joinInputs(config.ports), outputs: [{ name: 'value', type: primitive('any') }] };
  },
  inferOutputs(_config, inputTypes) {
    return [{ name: 'value', type: commonType(inputTypes) }];
  },
  execute(inputs, { config }) {
    for (const port of config.ports) {
      if (port in inputs) return { outputs: { value: inputs[port] } };
    }
    return { outputs: {} };
  },
});
