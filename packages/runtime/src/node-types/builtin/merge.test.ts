import { describe, expect, it } from 'vitest';
import { parsePortType, primitive } from '../../schema/port-types.js';
import { ScriptedModel } from '../../testing/scripted-model.js';
import {
  finishedNodes,
  node,
  nodeOutputs,
  portContext,
  runTestFlow,
  skipReasons,
  testFlow,
} from '../../testing/test-runs.js';
import { mergeNode } from './merge.js';

describe('merge node', () => {
  //   q ──▶ slow (llm) ──▶ merge.primary ──▶ out
  //   └───▶ fast ───────▶ merge.fallback
  function raceFlow(ports: string[]) {
    return testFlow({
      inputs: { q: { type: 'text' } },
      outputs: { answer: { type: 'text' } },
      nodes: [
        node('q', 'input', { name: 'q' }),
        node('slow', 'llm'),
        node('fast', 'transform', { expression: 'q | upper', type: 'text' }),
        node('merge', 'merge', { ports }),
        node('out', 'output', { name: 'answer' }),
      ],
      edges: [
        ['q.value', 'slow.prompt'],
        ['q.value', 'fast.q'],
        ['slow.text', 'merge.primary'],
        ['fast.value', 'merge.fallback'],
        ['merge.value', 'out.value'],
      ],
    });
  }

  it('takes the first active input in port order, not the first to arrive', async () => {
    const model = new ScriptedModel('tiny', () => ({ text: 'from the model', pieces: ['from ', 'the ', 'model'] }), {
      pieceDelayMs: 5,
    });
    const { result, events } = await runTestFlow(raceFlow(['primary', 'fallback']), {
      inputs: { q: 'hi' },
      models: model,
    });
    const finished = finishedNodes(events);
    expect(finished.indexOf('fast')).toBeLessThan(finished.indexOf('slow'));
    expect(nodeOutputs(events, 'merge')).toEqual({ value: 'from the model' });
    expect(result.outputs).toEqual({ answer: 'from the model' });

    const reordered = await runTestFlow(raceFlow(['fallback', 'primary']), { inputs: { q: 'hi' }, models: model });
    expect(reordered.result.outputs).toEqual({ answer: 'HI' });
  });

  //   kind ──▶ route ─a──────▶ ta ──▶ merge.a ──▶ out
  //                 ─b──────▶ tb ──▶ merge.b
  //                 └default─▶ tc ──▶ merge.c
  it('passes on whichever branch of a switch was taken', async () => {
    const flow = testFlow({
      inputs: { kind: { type: 'text' } },
      outputs: { picked: { type: 'text' } },
      nodes: [
        node('kind', 'input', { name: 'kind' }),
        node('route', 'switch', { expression: 'value', cases: ['a', 'b'] }),
        node('ta', 'transform', { expression: '"case a: " ~ value', type: 'text' }),
        node('tb', 'transform', { expression: '"case b: " ~ value', type: 'text' }),
        node('tc', 'transform', { expression: '"default: " ~ value', type: 'text' }),
        node('merge', 'merge', { ports: ['a', 'b', 'c'] }),
        node('out', 'output', { name: 'picked' }),
      ],
      edges: [
        ['kind.value', 'route.value'],
        ['route.a', 'ta.value'],
        ['route.b', 'tb.value'],
        ['route.default', 'tc.value'],
        ['ta.value', 'merge.a'],
        ['tb.value', 'merge.b'],
        ['tc.value', 'merge.c'],
        ['merge.value', 'out.value'],
      ],
    });
    const outputs: Record<string, unknown>[] = [];
    for (const kind of ['a', 'b', 'z']) outputs.push((await runTestFlow(flow, { inputs: { kind } })).result.outputs);
    expect(outputs).toEqual([{ picked: 'case a: a' }, { picked: 'case b: b' }, { picked: 'default: z' }]);
  });

  //   flag ──▶ check ─true──▶ one ──▶ merge.a ──▶ out
  //                  └──────▶ two ──▶ merge.b
  it('is skipped, and so is what follows, when none of its inputs is active', async () => {
    const flow = testFlow({
      inputs: { flag: { type: 'boolean' } },
      outputs: { answer: { type: 'text' } },
      nodes: [
        node('flag', 'input', { name: 'flag' }),
        node('check', 'condition', { expression: 'value' }),
        node('one', 'transform', { expression: '"one" if value else "?"', type: 'text' }),
        node('two', 'transform', { expression: '"two" if value else "?"', type: 'text' }),
        node('merge', 'merge'),
        node('out', 'output', { name: 'answer' }),
      ],
      edges: [
        ['flag.value', 'check.value'],
        ['check.true', 'one.value'],
        ['check.true', 'two.value'],
        ['one.value', 'merge.a'],
        ['two.value', 'merge.b'],
        ['merge.value', 'out.value'],
      ],
    });
    expect((await runTestFlow(flow, { inputs: { flag: true } })).result.outputs).toEqual({ answer: 'one' });
    const { result, events } = await runTestFlow(flow, { inputs: { flag: false } });
    expect(result.status).toBe('succeeded');
    expect(result.outputs).toEqual({});
    expect(skipReasons(events)).toEqual({
      one: 'input "value" has no value: check.true was not taken',
      two: 'input "value" has no value: check.true was not taken',
      merge: 'none of its inputs has a value',
      out: 'input "value" has no value: "merge" was skipped',
    });
  });

  it('has optional inputs named by its config (a, b by default) and infers the common type of what is connected', () => {
    expect(mergeNode.ports(mergeNode.configSchema.parse({}), portContext()).inputs).toEqual([
      { name: 'a', type: primitive('any'), required: false },
      { name: 'b', type: primitive('any'), required: false },
    ]);
    const config = mergeNode.configSchema.parse({ ports: ['x', 'y'] });
    const ports = mergeNode.ports(config, portContext());
    const text = parsePortType('text');
    const same = new Map([
      ['x', text],
      ['y', text],
    ]);
    expect(mergeNode.inferOutputs?.(config, same, ports)).toEqual([{ name: 'value', type: text }]);
    const mixed = new Map([
      ['x', text],
      ['y', parsePortType('number')],
    ]);
    expect(mergeNode.inferOutputs?.(config, mixed, ports)).toEqual([
      { name: 'value', type: parsePortType('text | number') },
    ]);
    expect(mergeNode.configSchema.safeParse({ ports: ['x', 'x'] }).error?.issues[0]?.message).toBe(
      'port names must be unique',
    );
  });
});
