import { describe, expect, it } from 'vitest';
import { RunRequestError } from '../../engine/run-request.js';
import { parsePortType, primitive } from '../../schema/port-types.js';
import {
  node,
  nodeOutputs,
  portContext,
  problemsOf,
  runTestFlow,
  skipReasons,
  testFlow,
} from '../../testing/test-runs.js';
import { inputNode } from './input.js';

describe('input node', () => {
  //   q ──▶ out
  it('brings the given value into the graph', async () => {
    const flow = testFlow({
      inputs: { question: { type: 'text' } },
      outputs: { answer: { type: 'text' } },
      nodes: [node('q', 'input', { name: 'question' }), node('out', 'output', { name: 'answer' })],
      edges: [['q.value', 'out.value']],
    });
    const { result, events } = await runTestFlow(flow, { inputs: { question: 'Why is the sky blue?' } });
    expect(result.status).toBe('succeeded');
    expect(nodeOutputs(events, 'q')).toEqual({ value: 'Why is the sky blue?' });
    expect(result.outputs).toEqual({ answer: 'Why is the sky blue?' });
  });

  //   n ──▶ out
  it('uses the declared default when the run gives no value, and the given value otherwise', async () => {
    const flow = testFlow({
      inputs: { n: { type: 'number', default: 3 } },
      outputs: { count: { type: 'number' } },
      nodes: [node('n', 'input', { name: 'n' }), node('out', 'output', { name: 'count' })],
      edges: [['n.value', 'out.value']],
    });
    expect((await runTestFlow(flow)).result.outputs).toEqual({ count: 3 });
    expect((await runTestFlow(flow, { inputs: { n: 7 } })).result.outputs).toEqual({ count: 7 });
    // A falsy value is a value, not a missing one.
    expect((await runTestFlow(flow, { inputs: { n: 0 } })).result.outputs).toEqual({ count: 0 });
  });

  //   q ──▶ p.question ──▶ out
  //   h ──▶ p.clue ──┘
  it('produces no value for an optional input the run does not give, so the nodes needing it are skipped', async () => {
    const flow = testFlow({
      inputs: { question: { type: 'text' }, hint: { type: 'text', required: false } },
      outputs: { answer: { type: 'text' } },
      nodes: [
        node('q', 'input', { name: 'question' }),
        node('h', 'input', { name: 'hint' }),
        node('p', 'prompt', { template: '{{ question }} (hint: {{ clue }})' }),
        node('out', 'output', { name: 'answer' }),
      ],
      edges: [
        ['q.value', 'p.question'],
        ['h.value', 'p.clue'],
        ['p.prompt', 'out.value'],
      ],
    });

    const without = await runTestFlow(flow, { inputs: { question: 'Why?' } });
    expect(without.result.status).toBe('succeeded');
    // The port is left out, not set to undefined: that is what makes its edges inactive.
    expect(Object.keys(nodeOutputs(without.events, 'h'))).toEqual([]);
    expect(skipReasons(without.events)).toEqual({
      p: 'input "clue" has no value: h.value gave no value',
      out: 'input "value" has no value: "p" was skipped',
    });
    expect(without.result.outputs).toEqual({});

    const given = await runTestFlow(flow, { inputs: { question: 'Why?', hint: 'light' } });
    expect(skipReasons(given.events)).toEqual({});
    expect(given.result.outputs).toEqual({ answer: 'Why? (hint: light)' });
  });

  it('types its output with the declared input type', () => {
    const context = portContext({ inputs: { items: { type: 'list<text>' } } });
    expect(inputNode.ports({ name: 'items' }, context)).toEqual({
      inputs: [],
      outputs: [{ name: 'value', type: parsePortType('list<text>') }],
    });
    // An undeclared name is reported by check(); ports() still answers so the editor can draw the node.
    expect(inputNode.ports({ name: 'missing' }, context).outputs).toEqual([{ name: 'value', type: primitive('any') }]);
  });

  it('reports a name that is not a declared flow input', () => {
    const flow = testFlow({
      inputs: { question: { type: 'text' } },
      nodes: [node('q', 'input', { name: 'questoin' })],
    });
    expect(problemsOf(flow)).toEqual([
      {
        code: 'unknown-flow-input',
        path: ['nodes', 0, 'config', 'name'],
        nodeId: 'q',
        message: 'flow input "questoin" is not declared under inputs (declared: question)',
      },
    ]);
  });

  //   q ──▶ out
  it('never runs with a value of the wrong type: the run request is refused first', async () => {
    const flow = testFlow({
      inputs: { n: { type: 'number' } },
      outputs: { count: { type: 'number' } },
      nodes: [node('n', 'input', { name: 'n' }), node('out', 'output', { name: 'count' })],
      edges: [['n.value', 'out.value']],
    });
    const started = runTestFlow(flow, { inputs: { n: 'three' } });
    await expect(started).rejects.toBeInstanceOf(RunRequestError);
    await expect(started).rejects.toThrow('inputs.n: expected a number, got text "three"');
  });
});
