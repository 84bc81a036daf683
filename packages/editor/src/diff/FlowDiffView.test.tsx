// @vitest-environment jsdom
import { diffFlows, diffText } from '@groundwork/runtime/diff';
import type { Flow, FlowNode } from '@groundwork/runtime/schema';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FlowDiffView } from './FlowDiffView.js';
import { TextDiffView } from './TextDiffView.js';

afterEach(cleanup);

const TEMPLATE = [
  'You are a helpful assistant.',
  'Use the context below.',
  'Context: {{ context }}',
  'Question: {{ question }}',
  'Answer in one short paragraph.',
  'Cite the passages you used.',
  'Do not invent facts.',
  'Say so when the context is silent.',
].join('\n');

/**
 * ```
 *   [question: input] ── [ask: prompt] ── [answer: llm] ── [reply: output]
 *                          [style: prompt, variants formal | friendly]
 * ```
 */
const before: Flow = {
  schemaVersion: 1,
  name: 'qa',
  inputs: { question: { type: 'text' } },
  outputs: { reply: { type: 'text' } },
  nodes: [
    { id: 'question', type: 'input', config: { name: 'question' }, position: { x: 0, y: 0 } },
    { id: 'ask', type: 'prompt', config: { template: TEMPLATE }, position: { x: 300, y: 0 } },
    { id: 'answer', type: 'llm', config: { maxTokens: 64, temperature: 0.2 }, position: { x: 600, y: 0 } },
    { id: 'reply', type: 'output', config: { name: 'reply' }, position: { x: 900, y: 0 } },
    {
      id: 'style',
      type: 'prompt',
      config: {},
      variants: [
        { name: 'formal', config: { template: 'Dear {{ name }},' } },
        { name: 'friendly', config: { template: 'Hi {{ name }}!' } },
      ],
      position: { x: 300, y: 200 },
    },
  ],
  edges: [
    { from: 'question.value', to: 'ask.question' },
    { from: 'ask.prompt', to: 'answer.prompt' },
    { from: 'answer.text', to: 'reply.value' },
  ],
};

const edit = (flow: Flow, id: string, recipe: (node: FlowNode) => FlowNode): Flow => ({
  ...flow,
  nodes: flow.nodes.map((node) => (node.id === id ? recipe(node) : node)),
});

/** The edits a person makes: a word of the template, a temperature, a variant renamed, a node added and wired. */
function edited(): Flow {
  let after = edit(before, 'ask', (node) => ({
    ...node,
    config: { template: TEMPLATE.replace('one short paragraph', 'one brief paragraph') },
  }));
  after = edit(after, 'answer', (node) => ({ ...node, config: { ...node.config, temperature: 0.7 } }));
  after = edit(after, 'style', (node) => ({
    ...node,
    variants: node.variants!.map((variant) => (variant.name === 'friendly' ? { ...variant, name: 'casual' } : variant)),
  }));
  after = edit(after, 'question', (node) => ({ ...node, position: { x: 40, y: 20 } }));
  return {
    ...after,
    nodes: [...after.nodes, { id: 'polish', type: 'transform', config: { expression: 'value | trim', type: 'text' } }],
    edges: [...after.edges!, { from: 'answer.text', to: 'polish.value' }],
  };
}

const marks = (element: HTMLElement, kind: 'removed' | 'added') =>
  [...element.querySelectorAll(`mark[data-diff="${kind}"]`)].map((mark) => mark.textContent!.trim());

describe('the diff view of real edits', () => {
  it('marks exactly the changed word on each side, side by side, with the unchanged lines folded', () => {
    render(<FlowDiffView diff={diffFlows(before, edited())} sides={{ before: 'v1', after: 'v2' }} />);
    const ask = screen.getByTestId('diff-node-ask');
    expect(within(ask).getByTestId('diff-status').textContent).toBe('changed');
    expect(marks(ask, 'removed')).toEqual(['short']);
    expect(marks(ask, 'added')).toEqual(['brief']);
    const table = within(ask).getByTestId('text-diff');
    expect([...table.querySelectorAll('th')].map((head) => head.textContent)).toEqual(['v1', 'v2']);
    const rows = [...table.querySelectorAll('tbody tr')];
    // Lines 3-7 around the change (2 lines of context), lines 1-2 and 8 folded.
    expect(rows.map((row) => row.textContent)).toEqual([
      '⋯ 2 unchanged lines',
      '3Context: {{ context }}3Context: {{ context }}',
      '4Question: {{ question }}4Question: {{ question }}',
      '5Answer in one short paragraph.5Answer in one brief paragraph.',
      '6Cite the passages you used.6Cite the passages you used.',
      '7Do not invent facts.7Do not invent facts.',
      '⋯ 1 unchanged line',
    ]);
    expect(rows[3]!.className).toContain('changed');
    expect(rows[2]!.className).not.toContain('changed');
    expect(within(ask).getByTestId('diff-text').textContent).toContain('1 word removed, 1 added');
  });

  it('shows a parameter as before → after, a renamed variant as a rename, an added node with its edge', () => {
    render(<FlowDiffView diff={diffFlows(before, edited())} sides={{ before: 'v1', after: 'v2' }} />);
    const answer = screen.getByTestId('diff-node-answer');
    expect(within(answer).getByTestId('diff-value').textContent).toBe('config.temperature: 0.2 → 0.7');

    const style = screen.getByTestId('diff-node-style');
    const variant = within(style).getByTestId('diff-variant-style-casual');
    expect(variant.dataset.change).toBe('changed');
    expect(within(variant).getByTestId('diff-status').textContent).toBe('renamed from friendly');
    expect(within(style).queryByTestId('diff-text')).toBeNull();

    const polish = screen.getByTestId('diff-node-polish');
    expect(polish.dataset.change).toBe('added');
    expect(within(polish).getByTestId('diff-status').textContent).toBe('added');
    expect(polish.textContent).toContain('value | trim');
    const edge = screen.getByTestId('diff-edge');
    expect([edge.dataset.change, edge.textContent]).toEqual(['added', '+answer.text → polish.value']);

    // The node that only moved is named once, apart from the nodes that changed.
    expect(screen.getByTestId('diff-node-question').dataset.change).toBe('moved');
    const nodeIds = [...document.querySelectorAll('[data-testid^="diff-node-"]')].map((node) =>
      node.getAttribute('data-testid'),
    );
    expect(nodeIds).toEqual([
      'diff-node-ask',
      'diff-node-answer',
      'diff-node-style',
      'diff-node-polish',
      'diff-node-question',
    ]);
    expect(screen.queryByTestId('diff-section-flow')).toBeNull();
  });

  it('says "No differences" for the same flow', () => {
    const shuffled = { ...before, nodes: [...before.nodes].reverse() };
    render(<FlowDiffView diff={diffFlows(before, shuffled)} sides={{ before: 'v4', after: 'v5' }} />);
    expect(screen.getByTestId('diff-view').textContent).toBe('No differencesv4 and v5 hold the same flow.');
  });

  it('shows removed and added lines on one side only', () => {
    const change = { kind: 'text' as const, path: 'config.template', before: 'a\nb\nc\n', after: 'a\nc\nd\n' };
    render(<TextDiffView change={{ ...change, diff: diffText(change.before, change.after) }} />);
    const rows = [...document.querySelectorAll('tbody tr')];
    const removed = rows.find((row) => row.textContent === '2b')!;
    expect(removed.querySelectorAll('td.empty')).toHaveLength(1);
    expect(marks(removed as HTMLElement, 'removed')).toEqual(['b']);
    const added = rows.find((row) => row.textContent === '3d')!;
    expect(marks(added as HTMLElement, 'added')).toEqual(['d']);
  });
});
