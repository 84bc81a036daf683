import { describe, expect, it } from 'vitest';
import { parsePortType } from '../../schema/port-types.js';
import {
  eventsOfType,
  node,
  portContext,
  problemsOf,
  runTestFlow,
  skipReasons,
  testFlow,
} from '../../testing/test-runs.js';
import { outputNode } from './output.js';

describe('output node', () => {
  //   q ──▶ upper ──▶ loud
  //   └────────────▶ plain
  it('sets each flow output it names, and outputs nothing on its own ports', async () => {
    const flow = testFlow({
      inputs: { question: { type: 'text' } },
      outputs: { loud: { type: 'text' }, plain: { type: 'text' } },
      nodes: [
        node('q', 'input', { name: 'question' }),
        node('upper', 'transform', { expression: 'text | upper', type: 'text' }),
        node('loud', 'output', { name: 'loud' }),
        node('plain', 'output', { name: 'plain' }),
      ],
      edges: [
        ['q.value', 'upper.text'],
        ['upper.value', 'loud.value'],
        ['q.value', 'plain.value'],
      ],
    });
    const { result, events } = await runTestFlow(flow, { inputs: { question: 'hello' } });
    expect(result).toMatchObject({ status: 'succeeded', outputs: { loud: 'HELLO', plain: 'hello' } });
    const runEnd = eventsOfType(events, 'run-end')[0]!;
    expect(runEnd.outputs).toEqual({ loud: 'HELLO', plain: 'hello' });
    const ends = eventsOfType(events, 'node-end').filter(
      (event) => event.nodeId === 'loud' || event.nodeId === 'plain',
    );
    expect(ends.map((event) => event.outputs)).toEqual([{}, {}]);
  });

  //   n ──▶ check ─true──▶ big
  //              └false─▶ small
  it('leaves its flow output absent when it is skipped', async () => {
    const flow = testFlow({
      inputs: { n: { type: 'number' } },
      outputs: { big: { type: 'number' }, small: { type: 'number' } },
      nodes: [
        node('n', 'input', { name: 'n' }),
        node('check', 'condition', { expression: 'value > 10' }),
        node('big', 'output', { name: 'big' }),
        node('small', 'output', { name: 'small' }),
      ],
      edges: [
        ['n.value', 'check.value'],
        ['check.true', 'big.value'],
        ['check.false', 'small.value'],
      ],
    });
    const { result, events } = await runTestFlow(flow, { inputs: { n: 3 } });
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ small: 3 });
    expect('big' in result.outputs).toBe(false);
    expect(skipReasons(events)).toEqual({ big: 'input "value" has no value: check.true was not taken' });
  });

  it('takes a required value of the declared output type', () => {
    const context = portContext({ outputs: { answers: { type: 'list<text>' } } });
    expect(outputNode.ports({ name: 'answers' }, context)).toEqual({
      inputs: [{ name: 'value', type: parsePortType('list<text>'), required: true }],
      outputs: [],
    });
    expect(outputNode.flowOutput?.({ name: 'answers' })).toBe('answers');
  });

  it('reports an undeclared output name, and a declared output that no node sets', () => {
    const flow = testFlow({
      inputs: { question: { type: 'text' } },
      outputs: { answer: { type: 'text' } },
      nodes: [node('q', 'input', { name: 'question' }), node('out', 'output', { name: 'answr' })],
      edges: [['q.value', 'out.value']],
    });
    expect(problemsOf(flow)).toEqual([
      {
        code: 'unknown-flow-output',
        path: ['nodes', 1, 'config', 'name'],
        nodeId: 'out',
        message: 'flow output "answr" is not declared under outputs (declared: answer)',
      },
      {
        code: 'missing-flow-output',
        path: ['outputs', 'answer'],
        message: 'output "answer" is declared but no output node sets it',
      },
    ]);
  });

  //   q ──▶ first
  //   └───▶ second      (both set "answer")
  it('reports two output nodes setting the same output', () => {
    const flow = testFlow({
      inputs: { question: { type: 'text' } },
      outputs: { answer: { type: 'text' } },
      nodes: [
        node('q', 'input', { name: 'question' }),
        node('first', 'output', { name: 'answer' }),
        node('second', 'output', { name: 'answer' }),
      ],
      edges: [
        ['q.value', 'first.value'],
        ['q.value', 'second.value'],
      ],
    });
    expect(problemsOf(flow).map((problem) => [problem.code, problem.nodeId])).toEqual([
      ['duplicate-flow-output', 'second'],
    ]);
  });
});
