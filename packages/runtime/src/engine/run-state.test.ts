import { describe, expect, it } from 'vitest';
import { compileSpec } from '../testing/flow-builder.js';
import type { CompiledFlow } from './compile.js';
import { DONE, READY, RunState, SKIPPED, WAITING } from './run-state.js';

const ids = (flow: CompiledFlow, indexes: readonly number[]) => indexes.map((index) => flow.nodes[index]!.id);
const index = (flow: CompiledFlow, id: string) => flow.byId.get(id)!.index;

describe('RunState', () => {
  //   x ──▶ a ──▶ c
  //   y ──▶ b ──┘
  const joined = compileSpec({
    inputs: { x: 'text', y: 'text' },
    nodes: [
      ['x', 'input', { name: 'x' }],
      ['y', 'input', { name: 'y' }],
      ['a', 'transform', { expression: 'x' }],
      ['b', 'transform', { expression: 'y' }],
      ['c', 'transform', { expression: 'a ~ b' }],
    ],
    edges: ['x.value -> a.x', 'y.value -> b.y', 'a.value -> c.a', 'b.value -> c.b'],
  });

  it('starts with the nodes that have no inputs and readies a node when its last input arrives', () => {
    const state = new RunState(joined);
    expect(ids(joined, state.start())).toEqual(['x', 'y']);
    expect(ids(joined, state.complete(index(joined, 'x'), { value: '1' }).ready)).toEqual(['a']);
    expect(ids(joined, state.complete(index(joined, 'a'), { value: '1' }).ready)).toEqual([]);
    expect(state.status[index(joined, 'c')]).toBe(WAITING);
    expect(ids(joined, state.complete(index(joined, 'y'), { value: '2' }).ready)).toEqual(['b']);
    expect(ids(joined, state.complete(index(joined, 'b'), { value: '2' }).ready)).toEqual(['c']);
    expect(state.status[index(joined, 'c')]).toBe(READY);
    expect(state.values[index(joined, 'c')]).toEqual({ a: '1', b: '2' });
  });

  //   v ──▶ check ─true──▶ t1 ──▶ t2 ──▶ t3 ──▶ m.a ──▶ m
  //              └false─▶ f1 ─────────────────▶ m.b
  const branched = compileSpec({
    inputs: { v: 'number' },
    nodes: [
      ['v', 'input', { name: 'v' }],
      ['check', 'condition', { expression: 'value > 0' }],
      ['t1', 'transform', { expression: 'value' }],
      ['t2', 'transform', { expression: 't1' }],
      ['t3', 'transform', { expression: 't2' }],
      ['f1', 'transform', { expression: 'value' }],
      ['m', 'merge', {}],
    ],
    edges: [
      'v.value -> check.value',
      'check.true -> t1.value',
      't1.value -> t2.t1',
      't2.value -> t3.t2',
      'check.false -> f1.value',
      't3.value -> m.a',
      'f1.value -> m.b',
    ],
  });

  it('skips the branch not taken, propagates the skip down the chain, and still readies the merge', () => {
    const state = new RunState(branched);
    state.start();
    state.complete(index(branched, 'v'), { value: -1 });
    const settled = state.complete(index(branched, 'check'), { false: -1 });
    expect(ids(branched, settled.ready)).toEqual(['f1']);
    expect(
      ids(
        branched,
        settled.skipped.map((skip) => skip.index),
      ),
    ).toEqual(['t1', 't2', 't3']);
    expect(settled.skipped[0]!.reason).toBe('input "value" has no value: check.true was not taken');
    expect(settled.skipped[1]!.reason).toBe('input "t1" has no value: "t1" was skipped');
    expect(state.status[index(branched, 'm')]).toBe(WAITING);
    expect(ids(branched, state.complete(index(branched, 'f1'), { value: -1 }).ready)).toEqual(['m']);
    expect(state.values[index(branched, 'm')]).toEqual({ b: -1 });
  });

  it('skips everything behind a node that produced nothing, the merge included', () => {
    const state = new RunState(branched);
    state.start();
    const settled = state.complete(index(branched, 'v'), {});
    expect(
      ids(
        branched,
        settled.skipped.map((skip) => skip.index),
      ).sort(byIndex(branched)),
    ).toEqual(['check', 't1', 't2', 't3', 'f1', 'm']);
    expect(settled.skipped[0]!.reason).toBe('input "value" has no value: v.value gave no value');
    expect(settled.skipped.find((skip) => skip.index === index(branched, 'm'))!.reason).toBe(
      'none of its inputs has a value',
    );
    expect(state.status[index(branched, 'm')]).toBe(SKIPPED);
  });

  //   a ──▶ b ──▶ ... ──▶ n   (10,000 nodes)
  it('skips a very long chain without recursion', () => {
    const length = 10_000;
    const chain = compileSpec({
      inputs: { x: { type: 'text', required: false } },
      nodes: [
        ['x', 'input', { name: 'x' }],
        ...Array.from(
          { length },
          (_, i) => [`n${i}`, 'transform', { expression: 'v' }] as [string, string, Record<string, unknown>],
        ),
      ],
      edges: [`x.value -> n0.v`, ...Array.from({ length: length - 1 }, (_, i) => `n${i}.value -> n${i + 1}.v`)],
    });
    const state = new RunState(chain);
    state.start();
    const settled = state.complete(index(chain, 'x'), {});
    expect(settled.skipped).toHaveLength(length);
    expect(state.status[index(chain, `n${length - 1}`)]).toBe(SKIPPED);
    expect(state.status[index(chain, 'x')]).toBe(DONE);
  });

  //   x ──▶ p (prompt: {{ x }} {{ y }})
  //   y ─(optional input, not given)─▶ p.y
  it('skips a node when one required input is inactive even if another is active', () => {
    const flow = compileSpec({
      inputs: { x: 'text', y: { type: 'text', required: false } },
      nodes: [
        ['x', 'input', { name: 'x' }],
        ['y', 'input', { name: 'y' }],
        ['p', 'prompt', { template: '{{ x }} {{ y }}' }],
      ],
      edges: ['x.value -> p.x', 'y.value -> p.y'],
    });
    const state = new RunState(flow);
    state.start();
    state.complete(index(flow, 'x'), { value: 'a' });
    const settled = state.complete(index(flow, 'y'), {});
    expect(settled.skipped.map((skip) => skip.reason)).toEqual(['input "y" has no value: y.value gave no value']);
  });
});

function byIndex(flow: CompiledFlow) {
  return (a: string, b: string) => index(flow, a) - index(flow, b);
}
