import { validateFlow } from '@groundwork/runtime/engine';
import { BUILTIN_NODE_TYPES } from '@groundwork/runtime/node-types';
import { describe, expect, it } from 'vitest';
import { emptyFlow } from '../state/editor-store.js';
import { withNewNode } from './node-defaults.js';

describe('withNewNode', () => {
  it('gives every built-in type a config its schema accepts', () => {
    for (const type of BUILTIN_NODE_TYPES) {
      const { flow, nodeId } = withNewNode(emptyFlow(), type.type, { x: 10.4, y: 20.6 });
      const configProblems = validateFlow(flow).filter(
        (problem) => problem.code === 'invalid-config' || problem.code === 'unknown-node-type',
      );
      expect(configProblems, type.type).toEqual([]);
      expect(flow.nodes.at(-1)).toMatchObject({ id: nodeId, type: type.type, position: { x: 10, y: 21 } });
    }
  });

  it('declares a fresh flow input or output for input and output nodes, with readable unique names', () => {
    let { flow } = withNewNode(emptyFlow(), 'input', { x: 0, y: 0 });
    ({ flow } = withNewNode(flow, 'input', { x: 0, y: 0 }));
    ({ flow } = withNewNode(flow, 'output', { x: 0, y: 0 }));
    expect(flow.inputs).toEqual({ input: { type: 'text' }, input_2: { type: 'text' } });
    expect(flow.outputs).toEqual({ output: { type: 'text' } });
    expect(flow.nodes.map((node) => [node.id, node.config])).toEqual([
      ['input', { name: 'input' }],
      ['input_2', { name: 'input_2' }],
      ['output', { name: 'output' }],
    ]);
    expect(validateFlow(flow).filter((problem) => problem.code.startsWith('unknown-flow'))).toEqual([]);
  });
});
