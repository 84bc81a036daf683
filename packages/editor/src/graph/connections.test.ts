import { buildFlow } from '@groundwork/runtime/testing';
import { describe, expect, it } from 'vitest';
import { checkNewConnection } from './connections.js';

//   q (text) ──▶ p (prompt {{ q }}) ──▶ gen (llm) ──▶ a (output text)
//   n (number)      count (transform → list<number>)
const flow = buildFlow({
  inputs: { q: 'text', n: 'number' },
  outputs: { a: 'text' },
  nodes: [
    ['q', 'input', { name: 'q' }],
    ['n', 'input', { name: 'n' }],
    ['p', 'prompt', { template: '{{ q }}' }],
    ['gen', 'llm', {}],
    ['a', 'output', { name: 'a' }],
    ['count', 'transform', { expression: '[n]', type: 'list<number>' }],
  ],
  edges: ['q.value -> p.q', 'p.prompt -> gen.prompt', 'n.value -> count.n'],
});

describe('checkNewConnection', () => {
  it('accepts what the runtime accepts, conversions included', () => {
    expect(
      checkNewConnection(flow, { source: 'gen', sourceHandle: 'text', target: 'a', targetHandle: 'value' }),
    ).toEqual({ ok: true });
    expect(
      checkNewConnection(flow, { source: 'n', sourceHandle: 'value', target: 'a', targetHandle: 'value' }),
    ).toEqual({ ok: true });
  });

  it('refuses a type mismatch, naming both types', () => {
    expect(
      checkNewConnection(flow, { source: 'count', sourceHandle: 'value', target: 'a', targetHandle: 'value' }),
    ).toEqual({
      ok: false,
      reason: 'count.value gives list<number>, but a.value takes text',
    });
  });

  it('refuses a second edge into an input, a cycle and a self-loop', () => {
    expect(
      checkNewConnection(flow, { source: 'q', sourceHandle: 'value', target: 'gen', targetHandle: 'prompt' }),
    ).toEqual({
      ok: false,
      reason: 'gen.prompt already takes p.prompt; an input takes one edge (use a merge or collect node)',
    });
    const looped = buildFlow({
      inputs: { q: 'text' },
      nodes: [
        ['q', 'input', { name: 'q' }],
        ['a', 'transform', { expression: 'x ~ y' }],
        ['b', 'transform', { expression: 'v' }],
      ],
      edges: ['q.value -> a.x', 'a.value -> b.v'],
    });
    expect(checkNewConnection(looped, { source: 'b', sourceHandle: 'value', target: 'a', targetHandle: 'y' })).toEqual({
      ok: false,
      reason: 'that would make a cycle: b → a → b',
    });
    expect(checkNewConnection(looped, { source: 'a', sourceHandle: 'value', target: 'a', targetHandle: 'y' })).toEqual({
      ok: false,
      reason: 'a node cannot feed itself',
    });
  });
});
