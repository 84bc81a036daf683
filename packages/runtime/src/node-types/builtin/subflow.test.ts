import { describe, expect, it } from 'vitest';
import type { FlowDefinition } from '../../schema/flow.js';
import { parsePortType } from '../../schema/port-types.js';
import { ScriptedModel } from '../../testing/scripted-model.js';
import {
  compile,
  eventsOfType,
  inlineFlow,
  node,
  nodeKey,
  nodeOutputs,
  portContext,
  problemsOf,
  runTestFlow,
  testFlow,
} from '../../testing/test-runs.js';
import { subflowNode } from './subflow.js';

//   sub-flow:  question ──▶ ask ──▶ gen (llm) ──▶ answer
//              style ─────▶ ┘              └──▶ size ──▶ length
const answerFlow = inlineFlow({
  inputs: { question: { type: 'text' }, style: { type: 'text', default: 'briefly' } },
  outputs: { answer: { type: 'text' }, length: { type: 'number' } },
  nodes: [
    node('question', 'input', { name: 'question' }),
    node('style', 'input', { name: 'style' }),
    node('ask', 'prompt', { template: 'Answer {{ style }}: {{ question }}' }),
    node('gen', 'llm'),
    node('size', 'transform', { expression: 'text | length', type: 'number' }),
    node('answer', 'output', { name: 'answer' }),
    node('length', 'output', { name: 'length' }),
  ],
  edges: [
    ['question.value', 'ask.question'],
    ['style.value', 'ask.style'],
    ['ask.prompt', 'gen.prompt'],
    ['gen.text', 'answer.value'],
    ['gen.text', 'size.text'],
    ['size.value', 'length.value'],
  ],
});

//   q ──▶ sub.question ──▶ sub.answer ──▶ answer
//   s ──▶ sub.style        sub.length ──▶ length
function outerFlow(flow: FlowDefinition | { ref: string }, withStyle: boolean) {
  return testFlow({
    inputs: { q: { type: 'text' }, ...(withStyle ? { s: { type: 'text' } } : {}) },
    outputs: { answer: { type: 'text' }, length: { type: 'number' } },
    nodes: [
      node('q', 'input', { name: 'q' }),
      ...(withStyle ? [node('s', 'input', { name: 's' })] : []),
      node('sub', 'subflow', { flow }),
      node('answer', 'output', { name: 'answer' }),
      node('length', 'output', { name: 'length' }),
    ],
    edges: [
      ['q.value', 'sub.question'],
      ...(withStyle ? [['s.value', 'sub.style'] as const] : []),
      ['sub.answer', 'answer.value'],
      ['sub.length', 'length.value'],
    ],
  });
}

describe('subflow node', () => {
  it("runs the sub-flow with the node's inputs; the sub-flow's outputs become the node's outputs", async () => {
    const model = new ScriptedModel('tiny', () => 'Scattering.');
    const { result, events } = await runTestFlow(outerFlow(answerFlow, true), {
      inputs: { q: 'Why blue?', s: 'in detail' },
      models: model,
    });
    expect(result.status).toBe('succeeded');
    expect(model.calls.map((call) => call.request.prompt)).toEqual(['Answer in detail: Why blue?']);
    expect(nodeOutputs(events, 'sub')).toEqual({ answer: 'Scattering.', length: 11 });
    expect(result.outputs).toEqual({ answer: 'Scattering.', length: 11 });
  });

  it("uses the sub-flow input's default when the node's input is not connected", async () => {
    const model = new ScriptedModel('tiny', () => 'Because.');
    const { result } = await runTestFlow(outerFlow(answerFlow, false), { inputs: { q: 'Why?' }, models: model });
    expect(model.calls.map((call) => call.request.prompt)).toEqual(['Answer briefly: Why?']);
    expect(result.outputs).toEqual({ answer: 'Because.', length: 8 });
  });

  it('scopes the events of the sub-run with the node id; the node itself has none', async () => {
    const model = new ScriptedModel('tiny', () => ({ text: 'Yes.', pieces: ['Ye', 's.'] }));
    const { events } = await runTestFlow(outerFlow(answerFlow, false), { inputs: { q: 'Why?' }, models: model });
    const finished = eventsOfType(events, 'node-end').map(nodeKey);
    const inside = finished.filter((key) => key.startsWith('sub/'));
    expect([...inside].sort()).toEqual([
      'sub/answer',
      'sub/ask',
      'sub/gen',
      'sub/length',
      'sub/question',
      'sub/size',
      'sub/style',
    ]);
    // The node ends after everything in its sub-run, and the nodes after it see its outputs.
    expect(finished.slice(finished.indexOf('sub') + 1).sort()).toEqual(['answer', 'length']);
    expect(finished.indexOf('sub')).toBe(1 + inside.length);
    expect(eventsOfType(events, 'node-token').map((event) => [nodeKey(event), event.text])).toEqual([
      ['sub/gen', 'Ye'],
      ['sub/gen', 's.'],
    ]);
  });

  //   text ──▶ outer ──▶ out
  //   outer:   text ──▶ inner ──▶ result
  //   inner:   text ──▶ shout ──▶ result
  it('nests scopes of sub-flows inside sub-flows as outer/inner', async () => {
    const inner = inlineFlow({
      inputs: { text: { type: 'text' } },
      outputs: { result: { type: 'text' } },
      nodes: [
        node('text', 'input', { name: 'text' }),
        node('shout', 'transform', { expression: 'text | upper ~ "!"', type: 'text' }),
        node('result', 'output', { name: 'result' }),
      ],
      edges: [
        ['text.value', 'shout.text'],
        ['shout.value', 'result.value'],
      ],
    });
    const middle = inlineFlow({
      inputs: { text: { type: 'text' } },
      outputs: { result: { type: 'text' } },
      nodes: [
        node('text', 'input', { name: 'text' }),
        node('inner', 'subflow', { flow: inner }),
        node('result', 'output', { name: 'result' }),
      ],
      edges: [
        ['text.value', 'inner.text'],
        ['inner.result', 'result.value'],
      ],
    });
    const flow = testFlow({
      inputs: { text: { type: 'text' } },
      outputs: { result: { type: 'text' } },
      nodes: [
        node('text', 'input', { name: 'text' }),
        node('outer', 'subflow', { flow: middle }),
        node('out', 'output', { name: 'result' }),
      ],
      edges: [
        ['text.value', 'outer.text'],
        ['outer.result', 'out.value'],
      ],
    });
    const { result, events } = await runTestFlow(flow, { inputs: { text: 'hey' } });
    expect(result.outputs).toEqual({ result: 'HEY!' });
    const shout = eventsOfType(events, 'node-end').find((event) => event.nodeId === 'shout')!;
    expect(shout.scope).toBe('outer/inner');
    expect(eventsOfType(events, 'node-end').find((event) => event.nodeId === 'inner')?.scope).toBe('outer');
    expect(eventsOfType(events, 'node-end').find((event) => event.nodeId === 'outer')?.scope).toBeUndefined();
  });

  it('fails the node and the run when the sub-flow fails, naming where', async () => {
    const { result, events } = await runTestFlow(outerFlow(answerFlow, false), { inputs: { q: 'Why?' } });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'no-model-backend', nodeId: 'sub' });
    expect(result.error?.message).toMatch(/^sub: no model backend is available to run llm node "gen"/);
    const errors = eventsOfType(events, 'node-error');
    expect(errors.map((event) => [nodeKey(event), event.error.code])).toEqual([
      ['sub/gen', 'no-model-backend'],
      ['sub', 'no-model-backend'],
    ]);
  });

  it("takes the sub-flow's inputs as its inputs (optional where they have a default) and its outputs as outputs", () => {
    const ports = subflowNode.ports({ flow: answerFlow }, portContext());
    expect(ports.inputs).toEqual([
      { name: 'question', type: parsePortType('text'), required: true },
      { name: 'style', type: parsePortType('text'), required: false },
    ]);
    expect(ports.outputs).toEqual([
      { name: 'answer', type: parsePortType('text') },
      { name: 'length', type: parsePortType('number') },
    ]);
    expect(subflowNode.ports({ flow: { ref: 'elsewhere' } }, portContext())).toEqual({ inputs: [], outputs: [] });
  });

  it('runs a referenced flow that the host resolves, and reports one it cannot', async () => {
    const flow = outerFlow({ ref: 'answer.flow.yaml' }, false);
    const resolved = compile(flow, {
      resolveReference: (ref) => (ref === 'answer.flow.yaml' ? answerFlow : undefined),
    });
    const model = new ScriptedModel('tiny', () => 'Ok.');
    expect((await runTestFlow(resolved, { inputs: { q: 'Why?' }, models: model })).result.outputs).toEqual({
      answer: 'Ok.',
      length: 3,
    });

    const problems = problemsOf(flow).filter((problem) => problem.nodeId === 'sub');
    expect(problems.map((problem) => [problem.code, problem.path, problem.message])).toEqual([
      ['unknown-flow-reference', ['nodes', 1, 'config', 'flow', 'ref'], 'cannot find flow "answer.flow.yaml"'],
    ]);
  });
});
