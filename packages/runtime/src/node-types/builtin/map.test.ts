import { describe, expect, it } from 'vitest';
import type { GenerateRequest } from '../../model/backend.js';
import { parsePortType } from '../../schema/port-types.js';
import { ScriptedModel } from '../../testing/scripted-model.js';
import {
  eventsOfType,
  finishedNodes,
  inlineFlow,
  node,
  nodeKey,
  portContext,
  problemsOf,
  runTestFlow,
  skipReasons,
  sleep,
  testFlow,
} from '../../testing/test-runs.js';
import { mapNode } from './map.js';

//   sub-flow:  item ──▶ gen (llm) ──▶ answer
const generateEach = inlineFlow({
  inputs: { item: { type: 'text' } },
  outputs: { answer: { type: 'text' } },
  nodes: [node('item', 'input', { name: 'item' }), node('gen', 'llm'), node('answer', 'output', { name: 'answer' })],
  edges: [
    ['item.value', 'gen.prompt'],
    ['gen.text', 'answer.value'],
  ],
});

//   items ──▶ each (map) ──▶ answers
function mapFlow(config: Record<string, unknown>) {
  return testFlow({
    inputs: { items: { type: 'list<text>' } },
    outputs: { answers: { type: 'list<text>' } },
    nodes: [
      node('items', 'input', { name: 'items' }),
      node('each', 'map', config),
      node('answers', 'output', { name: 'answers' }),
    ],
    edges: [
      ['items.value', 'each.items'],
      ['each.answer', 'answers.value'],
    ],
  });
}

/** Replies with the prompt in capitals, one letter per piece: a longer item takes longer. */
function shoutingModel(options: { pieceDelayMs?: number; failOn?: string } = {}) {
  return new ScriptedModel(
    'tiny',
    (request: GenerateRequest) => {
      const text = String(request.prompt).toUpperCase();
      if (request.prompt === options.failOn)
        return { text, pieces: [text[0]!], error: new Error(`cannot say "${request.prompt}"`) };
      return { text, pieces: [...text] };
    },
    { pieceDelayMs: options.pieceDelayMs ?? 3 },
  );
}

const FRUIT = ['banana', 'fig', 'kiwi', 'apple', 'plum', 'date', 'pear'];

describe('map node', () => {
  it('runs the sub-flow per item, up to `concurrency` at once, and outputs the results in item order', async () => {
    const model = shoutingModel();
    const { result, events } = await runTestFlow(mapFlow({ flow: generateEach, concurrency: 3 }), {
      inputs: { items: FRUIT },
      models: model,
    });
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ answers: ['BANANA', 'FIG', 'KIWI', 'APPLE', 'PLUM', 'DATE', 'PEAR'] });
    expect(model.calls.map((call) => call.request.prompt).sort()).toEqual([...FRUIT].sort());
    expect(model.maxConcurrent).toBeGreaterThan(1);
    expect(model.maxConcurrent).toBeLessThanOrEqual(3);
    // The items did not finish in item order ("fig" is shorter than "banana"), yet the list is in item order.
    const finished = finishedNodes(events).filter((key) => key.endsWith('/gen'));
    expect(finished.indexOf('each[1]/gen')).toBeLessThan(finished.indexOf('each[0]/gen'));
  });

  it('runs one item at a time with concurrency 1', async () => {
    const model = shoutingModel({ pieceDelayMs: 1 });
    const { result } = await runTestFlow(mapFlow({ flow: generateEach, concurrency: 1 }), {
      inputs: { items: ['a', 'bb', 'c'] },
      models: model,
    });
    expect(result.outputs).toEqual({ answers: ['A', 'BB', 'C'] });
    expect(model.maxConcurrent).toBe(1);
    expect(model.calls.map((call) => call.request.prompt)).toEqual(['a', 'bb', 'c']);
  });

  it('scopes the events of each item as `node[item]`; the map node itself has no scope', async () => {
    const { events } = await runTestFlow(mapFlow({ flow: generateEach }), {
      inputs: { items: ['x', 'y', 'z'] },
      models: shoutingModel(),
    });
    const genStarts = eventsOfType(events, 'node-start').filter((event) => event.nodeId === 'gen');
    expect(genStarts.map((event) => event.scope).sort()).toEqual(['each[0]', 'each[1]', 'each[2]']);
    expect(genStarts.map((event) => event.inputs.prompt).sort()).toEqual(['x', 'y', 'z']);
    const item2Tokens = eventsOfType(events, 'node-token').filter((event) => event.scope === 'each[2]');
    expect(item2Tokens.map((event) => [event.nodeId, event.text])).toEqual([['gen', 'Z']]);
    const mapEvents = events.filter((event) => 'nodeId' in event && event.nodeId === 'each');
    expect(mapEvents.map((event) => [event.type, 'scope' in event ? event.scope : undefined])).toEqual([
      ['node-start', undefined],
      ['node-end', undefined],
    ]);
  });

  //   prefix ──▶ each.prefix ──▶ out
  //   items ───▶ each.items
  //   sub-flow:  prefix ──▶ join ──▶ line
  //              item ────▶ ┘
  it('feeds the item to the input named by `item` and the shared inputs to every item', async () => {
    const joinEach = inlineFlow({
      inputs: { prefix: { type: 'text' }, item: { type: 'number' } },
      outputs: { line: { type: 'text' } },
      nodes: [
        node('prefix', 'input', { name: 'prefix' }),
        node('item', 'input', { name: 'item' }),
        node('join', 'prompt', { template: '{{ prefix }}{{ item * 10 }}' }),
        node('line', 'output', { name: 'line' }),
      ],
      edges: [
        ['prefix.value', 'join.prefix'],
        ['item.value', 'join.item'],
        ['join.prompt', 'line.value'],
      ],
    });
    const flow = testFlow({
      inputs: { prefix: { type: 'text' }, items: { type: 'list<number>' } },
      outputs: { lines: { type: 'list<text>' } },
      nodes: [
        node('prefix', 'input', { name: 'prefix' }),
        node('items', 'input', { name: 'items' }),
        node('each', 'map', { flow: joinEach, item: 'item' }),
        node('out', 'output', { name: 'lines' }),
      ],
      edges: [
        ['prefix.value', 'each.prefix'],
        ['items.value', 'each.items'],
        ['each.line', 'out.value'],
      ],
    });
    const { result } = await runTestFlow(flow, { inputs: { prefix: '#', items: [1, 2, 3] } });
    expect(result.outputs).toEqual({ lines: ['#10', '#20', '#30'] });
  });

  it('outputs empty lists for an empty list, without running the sub-flow', async () => {
    const model = shoutingModel();
    const { result, events } = await runTestFlow(mapFlow({ flow: generateEach }), {
      inputs: { items: [] },
      models: model,
    });
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({ answers: [] });
    expect(model.calls).toEqual([]);
    expect(events.filter((event) => 'scope' in event && event.scope !== undefined)).toEqual([]);
  });

  //   sub-flow:  n ──▶ check ─true──▶ kept
  it('puts null where an item produced no value for an output', async () => {
    const keepPositive = inlineFlow({
      inputs: { n: { type: 'number' } },
      outputs: { kept: { type: 'number' } },
      nodes: [
        node('n', 'input', { name: 'n' }),
        node('check', 'condition', { expression: 'value > 0' }),
        node('kept', 'output', { name: 'kept' }),
      ],
      edges: [
        ['n.value', 'check.value'],
        ['check.true', 'kept.value'],
      ],
    });
    const flow = testFlow({
      inputs: { numbers: { type: 'list<number>' } },
      outputs: { kept: { type: 'json' } },
      nodes: [
        node('numbers', 'input', { name: 'numbers' }),
        node('each', 'map', { flow: keepPositive }),
        node('out', 'output', { name: 'kept' }),
      ],
      edges: [
        ['numbers.value', 'each.items'],
        ['each.kept', 'out.value'],
      ],
    });
    const { result, events } = await runTestFlow(flow, { inputs: { numbers: [4, -1, 7] } });
    expect(result.outputs).toEqual({ kept: [4, null, 7] });
    expect(skipReasons(events)).toEqual({ 'each[1]/kept': 'input "value" has no value: check.true was not taken' });
  });

  it('fails the map node and the run when an item fails', async () => {
    const model = shoutingModel({ failOn: 'fig' });
    const { result, events } = await runTestFlow(mapFlow({ flow: generateEach, concurrency: 2 }), {
      inputs: { items: ['banana', 'fig', 'kiwi'] },
      models: model,
    });
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({ code: 'node-failed', message: 'each[1]: cannot say "fig"', nodeId: 'each' });
    const errors = eventsOfType(events, 'node-error').filter((event) => event.error.code === 'node-failed');
    expect(errors.map((event) => [nodeKey(event), event.error.message])).toEqual([
      ['each[1]/gen', 'cannot say "fig"'],
      ['each', 'each[1]: cannot say "fig"'],
    ]);
    expect(result.outputs).toEqual({});
    expect(eventsOfType(events, 'run-end')[0]!.status).toBe('failed');
  });

  // Known engine bug (reported): a failed attempt's own signal is never aborted (flow-run.ts attemptFailed), so the
  // other items of a failed map keep running, and emitting events, after run-end. Un-skip once that is fixed.
  it('stops the other items when one fails, and emits nothing after run-end', async () => {
    const model = shoutingModel({ failOn: 'fig', pieceDelayMs: 5 });
    const { events } = await runTestFlow(mapFlow({ flow: generateEach, concurrency: 2 }), {
      inputs: { items: ['banana', 'fig', 'kiwi', 'plum'] },
      models: model,
    });
    const atEnd = events.length;
    await sleep(100);
    expect(events.length).toBe(atEnd);
    expect(events.at(-1)?.type).toBe('run-end');
    expect(model.calls.map((call) => [call.request.prompt, call.outcome])).toEqual([
      ['banana', 'aborted'],
      ['fig', 'failed'],
    ]);
  });

  it('takes a list of the item type and the other sub-flow inputs; outputs lists of the sub-flow outputs', () => {
    const sub = inlineFlow({
      inputs: {
        question: { type: 'text' },
        passage: { type: 'json', description: 'one passage' },
        style: { type: 'text', default: 'short' },
      },
      outputs: { score: { type: 'number' } },
      nodes: [],
    });
    const ports = mapNode.ports(mapNode.configSchema.parse({ flow: sub, item: 'passage' }), portContext());
    expect(ports.inputs).toEqual([
      {
        name: 'items',
        type: parsePortType('list<json>'),
        required: true,
        description: 'each item feeds the sub-flow input "passage"',
      },
      { name: 'question', type: parsePortType('text'), required: true },
      { name: 'style', type: parsePortType('text'), required: false },
    ]);
    expect(ports.outputs).toEqual([{ name: 'score', type: parsePortType('list<number>') }]);
    // Without `item`, the first sub-flow input takes the items.
    const first = mapNode.ports(mapNode.configSchema.parse({ flow: sub }), portContext());
    expect(first.inputs.map((port) => port.name)).toEqual(['items', 'passage', 'style']);
    expect(mapNode.configSchema.parse({ flow: sub }).concurrency).toBe(8);
  });

  it('reports an `item` the sub-flow does not have', () => {
    const problems = problemsOf(mapFlow({ flow: generateEach, item: 'text' })).filter(
      (problem) => problem.nodeId === 'each',
    );
    expect(problems.map((problem) => [problem.code, problem.path, problem.message])).toEqual([
      ['invalid-config', ['nodes', 1, 'config', 'item'], 'the sub-flow has no input "text" (inputs: item)'],
    ]);
  });
});
