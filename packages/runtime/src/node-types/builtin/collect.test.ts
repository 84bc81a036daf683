import { describe, expect, it } from 'vitest';
import { analyzeFlow } from '../../engine/analyze.js';
import { formatPortType, parsePortType, primitive } from '../../schema/port-types.js';
import { ScriptedModel } from '../../testing/scripted-model.js';
import {
  finishedNodes,
  node,
  nodeOutputs,
  portContext,
  problemsOf,
  runTestFlow,
  testFlow,
} from '../../testing/test-runs.js';
import { defaultRegistry } from '../index.js';
import { collectNode } from './collect.js';

describe('collect node', () => {
  //   q ──▶ slow (llm) ──▶ all.x ──▶ list
  //   ├───▶ upper ──────▶ all.y ──▶ object
  //   └───▶ lower ──────▶ all.z
  it('outputs the values as a list in port order and as an object keyed by port', async () => {
    const flow = testFlow({
      inputs: { q: { type: 'text' } },
      outputs: { list: { type: 'list<text>' }, object: { type: 'json' } },
      nodes: [
        node('q', 'input', { name: 'q' }),
        node('slow', 'llm'),
        node('upper', 'transform', { expression: 'q | upper', type: 'text' }),
        node('lower', 'transform', { expression: 'q | lower', type: 'text' }),
        node('all', 'collect', { ports: ['x', 'y', 'z'] }),
        node('list', 'output', { name: 'list' }),
        node('object', 'output', { name: 'object' }),
      ],
      // Written in the reverse of port order, so the order can only come from the config.
      edges: [
        ['lower.value', 'all.z'],
        ['upper.value', 'all.y'],
        ['slow.text', 'all.x'],
        ['q.value', 'slow.prompt'],
        ['q.value', 'upper.q'],
        ['q.value', 'lower.q'],
        ['all.list', 'list.value'],
        ['all.object', 'object.value'],
      ],
    });
    const model = new ScriptedModel('tiny', () => ({ text: 'Model', pieces: ['Mo', 'del'] }), { pieceDelayMs: 5 });
    const { result, events } = await runTestFlow(flow, { inputs: { q: 'MiXeD' }, models: model });
    const finished = finishedNodes(events);
    expect(finished.indexOf('slow')).toBeGreaterThan(finished.indexOf('lower'));
    expect(result.outputs).toEqual({
      list: ['Model', 'MIXED', 'mixed'],
      object: { x: 'Model', y: 'MIXED', z: 'mixed' },
    });
    expect(Object.keys(nodeOutputs(events, 'all').object as object)).toEqual(['x', 'y', 'z']);
  });

  //   n ──▶ check ─true──▶ double ──▶ all.a ──▶ list, object
  //   │           └false─▶ negate ──▶ all.c
  //   └──▶ plus ─────────────────────▶ all.b
  it('leaves inactive branches out of both the list and the object', async () => {
    const flow = testFlow({
      inputs: { n: { type: 'number' } },
      outputs: { list: { type: 'list<number>' }, object: { type: 'json' } },
      nodes: [
        node('n', 'input', { name: 'n' }),
        node('check', 'condition', { expression: 'value > 0' }),
        node('double', 'transform', { expression: 'value * 2', type: 'number' }),
        node('negate', 'transform', { expression: '0 - value', type: 'number' }),
        node('plus', 'transform', { expression: 'n + 1', type: 'number' }),
        node('all', 'collect', { ports: ['a', 'b', 'c'] }),
        node('list', 'output', { name: 'list' }),
        node('object', 'output', { name: 'object' }),
      ],
      edges: [
        ['n.value', 'check.value'],
        ['n.value', 'plus.n'],
        ['check.true', 'double.value'],
        ['check.false', 'negate.value'],
        ['double.value', 'all.a'],
        ['plus.value', 'all.b'],
        ['negate.value', 'all.c'],
        ['all.list', 'list.value'],
        ['all.object', 'object.value'],
      ],
    });
    expect((await runTestFlow(flow, { inputs: { n: 5 } })).result.outputs).toEqual({
      list: [10, 6],
      object: { a: 10, b: 6 },
    });
    expect((await runTestFlow(flow, { inputs: { n: -5 } })).result.outputs).toEqual({
      list: [-4, 5],
      object: { b: -4, c: 5 },
    });
  });

  //   a ──▶ all.a ──▶ out
  //   b ──▶ all.b
  function pairFlow(types: [string, string], outputType: string) {
    return testFlow({
      inputs: { a: { type: types[0] }, b: { type: types[1] } },
      outputs: { list: { type: outputType } },
      nodes: [
        node('a', 'input', { name: 'a' }),
        node('b', 'input', { name: 'b' }),
        node('all', 'collect'),
        node('out', 'output', { name: 'list' }),
      ],
      edges: [
        ['a.value', 'all.a'],
        ['b.value', 'all.b'],
        ['all.list', 'out.value'],
      ],
    });
  }

  it('infers list<T> when every input has type T, and the union of the types otherwise', () => {
    const listType = (types: [string, string]) => {
      const { analysis } = analyzeFlow(pairFlow(types, 'json'), { registry: defaultRegistry() });
      const all = analysis.nodes.find((analyzed) => analyzed.node.id === 'all')!;
      return formatPortType(all.outputTypes.get('list')!);
    };
    expect(listType(['number', 'number'])).toBe('list<number>');
    expect(listType(['text', 'number'])).toBe('list<text | number>');
    // The inferred type is checked against what the list feeds: numbers cannot feed a list of booleans.
    expect(
      problemsOf(pairFlow(['number', 'number'], 'list<boolean>')).map((problem) => [problem.code, problem.message]),
    ).toEqual([['type-mismatch', 'all.list gives list<number> but out.value takes list<boolean>']]);
    expect(
      collectNode.inferOutputs?.(
        collectNode.configSchema.parse({}),
        new Map(),
        collectNode.ports(collectNode.configSchema.parse({}), portContext()),
      ),
    ).toEqual([
      { name: 'list', type: parsePortType('list<any>') },
      { name: 'object', type: primitive('json') },
    ]);
  });

  it('feeds a list<number> output with the inferred list<number>', async () => {
    const { result } = await runTestFlow(pairFlow(['number', 'number'], 'list<number>'), { inputs: { a: 1, b: 2 } });
    expect(result.outputs).toEqual({ list: [1, 2] });
  });
});
