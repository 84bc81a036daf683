import { describe, expect, it } from 'vitest';
import { analyzeFlow } from '../../engine/analyze.js';
import { formatPortType } from '../../schema/port-types.js';
import {
  eventsOfType,
  finishedNodes,
  node,
  nodeOutputs,
  portContext,
  runTestFlow,
  skipReasons,
  testFlow,
} from '../../testing/test-runs.js';
import { defaultRegistry } from '../index.js';
import { conditionNode } from './condition.js';

describe('condition node', () => {
  //   text ──▶ check ─true──▶ shout ──▶ merge ──▶ answer
  //                 └false─▶ whisper ──┘
  const branches = testFlow({
    inputs: { text: { type: 'text' } },
    outputs: { answer: { type: 'text' } },
    nodes: [
      node('text', 'input', { name: 'text' }),
      node('check', 'condition', { expression: 'value | length > 5' }),
      node('shout', 'transform', { expression: 'value | upper', type: 'text' }),
      node('whisper', 'transform', { expression: 'value | lower', type: 'text' }),
      node('merge', 'merge'),
      node('answer', 'output', { name: 'answer' }),
    ],
    edges: [
      ['text.value', 'check.value'],
      ['check.true', 'shout.value'],
      ['check.false', 'whisper.value'],
      ['shout.value', 'merge.a'],
      ['whisper.value', 'merge.b'],
      ['merge.value', 'answer.value'],
    ],
  });

  it('takes the true branch, passing the value through, and skips the false one', async () => {
    const { result, events } = await runTestFlow(branches, { inputs: { text: 'Hello World' } });
    expect(nodeOutputs(events, 'check')).toEqual({ true: 'Hello World' });
    expect(result.outputs).toEqual({ answer: 'HELLO WORLD' });
    expect(skipReasons(events)).toEqual({ whisper: 'input "value" has no value: check.false was not taken' });
    expect(eventsOfType(events, 'node-start').map((event) => event.nodeId)).not.toContain('whisper');
  });

  it('takes the false branch, passing the value through, and skips the true one', async () => {
    const { result, events } = await runTestFlow(branches, { inputs: { text: 'Hi U' } });
    expect(nodeOutputs(events, 'check')).toEqual({ false: 'Hi U' });
    expect(result.outputs).toEqual({ answer: 'hi u' });
    expect(skipReasons(events)).toEqual({ shout: 'input "value" has no value: check.true was not taken' });
  });

  //   n ──▶ check ─true──▶ merge ──▶ flag
  //              └false─▶ ┘
  it('outputs the boolean on the chosen branch when value is not connected', async () => {
    const flow = testFlow({
      inputs: { n: { type: 'number' } },
      outputs: { flag: { type: 'boolean' } },
      nodes: [
        node('n', 'input', { name: 'n' }),
        node('check', 'condition', { expression: 'n > 2' }),
        node('merge', 'merge'),
        node('flag', 'output', { name: 'flag' }),
      ],
      edges: [
        ['n.value', 'check.n'],
        ['check.true', 'merge.a'],
        ['check.false', 'merge.b'],
        ['merge.value', 'flag.value'],
      ],
    });
    const high = await runTestFlow(flow, { inputs: { n: 3 } });
    expect(nodeOutputs(high.events, 'check')).toEqual({ true: true });
    expect(high.result.outputs).toEqual({ flag: true });
    const low = await runTestFlow(flow, { inputs: { n: 2 } });
    expect(nodeOutputs(low.events, 'check')).toEqual({ false: false });
    expect(low.result.outputs).toEqual({ flag: false });

    // The branches are typed boolean, so they may feed a boolean output without a run-time check.
    const analysis = analyzeFlow(flow, { registry: defaultRegistry() }).analysis;
    const check = analysis.nodes.find((analyzed) => analyzed.node.id === 'check')!;
    expect(formatPortType(check.outputTypes.get('true')!)).toBe('boolean');
    expect(formatPortType(check.outputTypes.get('false')!)).toBe('boolean');
  });

  //   items ──▶ check ─true──▶ out
  it('tests Jinja truthiness: an empty list is false', async () => {
    const flow = testFlow({
      inputs: { items: { type: 'list<text>' } },
      outputs: { items: { type: 'list<text>' } },
      nodes: [
        node('items', 'input', { name: 'items' }),
        node('check', 'condition', { expression: 'value' }),
        node('out', 'output', { name: 'items' }),
      ],
      edges: [
        ['items.value', 'check.value'],
        ['check.true', 'out.value'],
      ],
    });
    expect((await runTestFlow(flow, { inputs: { items: ['a'] } })).result.outputs).toEqual({ items: ['a'] });
    const empty = await runTestFlow(flow, { inputs: { items: [] } });
    expect(nodeOutputs(empty.events, 'check')).toEqual({ false: [] });
    expect(empty.result.outputs).toEqual({});
  });

  //   text ──▶ check ─true──▶ first ──▶ second ──▶ third ──▶ out
  //                 └false─▶ (nothing)
  it('skips the whole chain behind the branch not taken', async () => {
    const flow = testFlow({
      inputs: { text: { type: 'text' } },
      outputs: { answer: { type: 'text' } },
      nodes: [
        node('text', 'input', { name: 'text' }),
        node('check', 'condition', { expression: 'value == "go"' }),
        node('first', 'transform', { expression: 'value ~ "1"', type: 'text' }),
        node('second', 'prompt', { template: '{{ value }}2' }),
        node('third', 'transform', { expression: 'value ~ "3"', type: 'text' }),
        node('out', 'output', { name: 'answer' }),
      ],
      edges: [
        ['text.value', 'check.value'],
        ['check.true', 'first.value'],
        ['first.value', 'second.value'],
        ['second.prompt', 'third.value'],
        ['third.value', 'out.value'],
      ],
    });
    const taken = await runTestFlow(flow, { inputs: { text: 'go' } });
    expect(taken.result.outputs).toEqual({ answer: 'go123' });

    const { result, events } = await runTestFlow(flow, { inputs: { text: 'stop' } });
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({});
    expect(finishedNodes(events)).toEqual(['text', 'check']);
    expect(skipReasons(events)).toEqual({
      first: 'input "value" has no value: check.true was not taken',
      second: 'input "value" has no value: "first" was skipped',
      third: 'input "value" has no value: "second" was skipped',
      out: 'input "value" has no value: "third" was skipped',
    });
  });

  it('takes each other variable of the expression as a required input', () => {
    const ports = conditionNode.ports(
      { expression: 'score >= threshold and label != "spam" and value' },
      portContext(),
    );
    expect(ports.inputs.map((port) => [port.name, port.required])).toEqual([
      ['value', false],
      ['score', true],
      ['threshold', true],
      ['label', true],
    ]);
    expect(ports.outputs.map((port) => port.name)).toEqual(['true', 'false']);
  });

  //   score ─────▶ check.score ─true──▶ out
  //   threshold ─▶ check.threshold
  //   label ─────▶ check.value
  it('reads the extra variables from their input ports at run time', async () => {
    const flow = testFlow({
      inputs: { score: { type: 'number' }, threshold: { type: 'number' }, label: { type: 'text' } },
      outputs: { label: { type: 'text' } },
      nodes: [
        node('score', 'input', { name: 'score' }),
        node('threshold', 'input', { name: 'threshold' }),
        node('label', 'input', { name: 'label' }),
        node('check', 'condition', { expression: 'score >= threshold' }),
        node('out', 'output', { name: 'label' }),
      ],
      edges: [
        ['score.value', 'check.score'],
        ['threshold.value', 'check.threshold'],
        ['label.value', 'check.value'],
        ['check.true', 'out.value'],
      ],
    });
    expect(
      (await runTestFlow(flow, { inputs: { score: 0.8, threshold: 0.5, label: 'grounded' } })).result.outputs,
    ).toEqual({ label: 'grounded' });
    expect(
      (await runTestFlow(flow, { inputs: { score: 0.2, threshold: 0.5, label: 'grounded' } })).result.outputs,
    ).toEqual({});
  });

  it('reports an expression syntax error on its config field', () => {
    const parsed = conditionNode.configSchema.safeParse({ expression: 'score >' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([['expression']]);
    expect(conditionNode.configSchema.safeParse({ expression: '' }).success).toBe(false);
  });

  //   hint (optional, not given) ──▶ check.value ─true──▶ out (text)
  //   n ───────────────────────────▶ check.n
  // Known bug (reported): with `value` connected but inactive, the condition passes its boolean on, though the
  // branches are typed with the value's type (here text). Un-skip once that is fixed.
  it('never passes the boolean on when value is connected but has no value', async () => {
    const flow = testFlow({
      inputs: { hint: { type: 'text', required: false }, n: { type: 'number' } },
      outputs: { answer: { type: 'text' } },
      nodes: [
        node('hint', 'input', { name: 'hint' }),
        node('n', 'input', { name: 'n' }),
        node('check', 'condition', { expression: 'n > 1' }),
        node('out', 'output', { name: 'answer' }),
      ],
      edges: [
        ['hint.value', 'check.value'],
        ['n.value', 'check.n'],
        ['check.true', 'out.value'],
      ],
    });
    expect((await runTestFlow(flow, { inputs: { n: 5, hint: 'look up' } })).result.outputs).toEqual({
      answer: 'look up',
    });
    const { result } = await runTestFlow(flow, { inputs: { n: 5 } });
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({});
  });
});
