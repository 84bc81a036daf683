import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Flow } from '../schema/flow.js';
import { loadFlowYaml } from '../schema/flow-yaml.js';
import type { TextChange } from './field-diff.js';
import { diffFlows, diffVariants, isEmptyDiff } from './flow-diff.js';
import { summarizeDiff } from './summary.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', '..', 'examples');
const yaml = (name: string) => readFileSync(join(EXAMPLES, name), 'utf8');

/** A flow from YAML text, as a person would have saved it. */
function load(text: string): Flow {
  const loaded = loadFlowYaml(text);
  if (!loaded.ok) throw new Error(loaded.problems.map((problem) => problem.message).join('; '));
  return loaded.flow;
}

/** An edit made the way a person makes one: on the file's text. */
function edit(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the example no longer contains ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

const triage = yaml('support-triage.flow.yaml');
const story = yaml('story.flow.yaml');

const changedWords = (change: TextChange, side: 'before' | 'after') =>
  change.diff.hunks
    .flatMap((hunk) => hunk.rows)
    .flatMap((row) => row[side]?.segments ?? [])
    .filter((segment) => segment.changed)
    .map((segment) => segment.text.trim());

describe('diffFlows on real edits', () => {
  it('finds nothing between a flow and itself, or the same flow with nodes and edges reordered', () => {
    const flow = load(triage);
    expect(isEmptyDiff(diffFlows(flow, flow))).toBe(true);
    const shuffled = { ...flow, nodes: [...flow.nodes].reverse(), edges: [...(flow.edges ?? [])].reverse() };
    expect(isEmptyDiff(diffFlows(flow, shuffled))).toBe(true);
  });

  it('a template word changed: that template, with exactly that word marked, and nothing else', () => {
    const after = edit(triage, 'thanks for the bug report', 'thanks for the detailed bug report');
    const diff = diffFlows(load(triage), load(after));
    expect(diff.flow).toEqual([]);
    expect(diff.edges).toEqual([]);
    expect(diff.inputs).toEqual([]);
    expect(diff.nodes).toHaveLength(1);
    const node = diff.nodes[0]!;
    expect(node).toMatchObject({ change: 'changed', id: 'bug_reply', type: 'prompt', variants: [] });
    if (node.change !== 'changed') throw new Error('unreachable');
    expect(node.moved).toBeUndefined();
    expect(node.fields).toHaveLength(1);
    const field = node.fields[0] as TextChange;
    expect(field.kind).toBe('text');
    expect(field.path).toBe('config.template');
    expect(changedWords(field, 'before')).toEqual([]);
    expect(changedWords(field, 'after')).toEqual(['detailed']);
    expect(summarizeDiff(diff)).toEqual([
      { kind: 'changed', node: 'bug_reply', text: 'edited template (1 word added)' },
    ]);
  });

  it('a node added and wired in: the node and its edges, nothing else', () => {
    const after = edit(
      triage,
      'edges:\n',
      [
        '  - id: shout',
        '    type: transform',
        '    position: { x: 1260, y: 300 }',
        '    config:',
        '      expression: value | upper',
        '      type: text',
        'edges:',
        '  - { from: reply.value, to: shout.value }',
        '',
      ].join('\n'),
    );
    const diff = diffFlows(load(triage), load(after));
    expect(diff.nodes).toEqual([expect.objectContaining({ change: 'added', id: 'shout', type: 'transform' })]);
    expect(diff.edges).toEqual([{ change: 'added', from: 'reply.value', to: 'shout.value' }]);
    expect(diff.flow).toEqual([]);
    expect(summarizeDiff(diff).map((line) => line.text)).toEqual([
      'added transform node "shout"',
      'connected reply.value → shout.value',
    ]);
  });

  it('a temperature changed: before → after on that node', () => {
    const before = load(story);
    const llm = before.nodes.find((node) => node.type === 'llm')!;
    const temperature = (llm.config as { temperature?: number }).temperature;
    const after = {
      ...before,
      nodes: before.nodes.map((node) =>
        node === llm ? { ...node, config: { ...node.config, temperature: 0.7 } } : node,
      ),
    };
    const diff = diffFlows(before, after);
    expect(diff.nodes).toEqual([
      {
        change: 'changed',
        id: llm.id,
        type: 'llm',
        fields: [
          {
            kind: 'value',
            path: 'config.temperature',
            ...(temperature !== undefined ? { before: temperature } : {}),
            after: 0.7,
          },
        ],
        variants: [],
      },
    ]);
    expect(summarizeDiff(diff)[0]!.text).toBe(
      temperature === undefined ? 'set temperature to 0.7' : `temperature ${temperature} → 0.7`,
    );
  });

  it('a variant renamed: a rename (the default follows it), not a removal and an addition', () => {
    const after = edit(
      edit(triage, '- name: formal', '- name: polite'),
      'defaultVariant: formal',
      'defaultVariant: polite',
    );
    const diff = diffFlows(load(triage), load(after));
    expect(diff.nodes).toEqual([
      {
        change: 'changed',
        id: 'billing_reply',
        type: 'prompt',
        fields: [],
        variants: [{ change: 'changed', name: 'polite', renamedFrom: 'formal', fields: [] }],
      },
    ]);
    expect(diff.edges).toEqual([]);
    expect(summarizeDiff(diff)).toEqual([
      { kind: 'renamed', node: 'billing_reply', variant: 'polite', text: 'renamed variant "formal" to "polite"' },
    ]);
  });

  it('a variant edited, added and removed', () => {
    let after = edit(triage, 'We are on it', 'We are on it right now');
    after = edit(
      after,
      '      - name: friendly\n',
      "      - name: terse\n        config:\n          template: 'Billing: {{ message }}'\n      - name: friendly\n",
    );
    const diff = diffFlows(load(triage), load(after));
    const node = diff.nodes[0]!;
    if (node.change !== 'changed') throw new Error(`expected a change, got ${node.change}`);
    expect(node.variants.map((variant) => [variant.change, variant.name])).toEqual([
      ['added', 'terse'],
      ['changed', 'friendly'],
    ]);
    const friendly = node.variants[1]!;
    if (friendly.change !== 'changed') throw new Error('unreachable');
    expect(changedWords(friendly.fields[0] as TextChange, 'after')).toEqual(['right now']);
  });

  it('a node renamed: a rename, and its edges follow it unreported', () => {
    const after = triage.replaceAll('bug_reply', 'bug_answer');
    const diff = diffFlows(load(triage), load(after));
    expect(diff.nodes).toEqual([
      { change: 'changed', id: 'bug_answer', type: 'prompt', renamedFrom: 'bug_reply', fields: [], variants: [] },
    ]);
    expect(diff.edges).toEqual([]);
  });

  it('a node moved, an edge removed, an input described: each on its own', () => {
    let after = edit(triage, 'position: { x: 1120, y: 160 }', 'position: { x: 1200, y: 200 }');
    after = edit(after, '  - { from: classify.value, to: category_out.value }\n', '');
    after = edit(after, 'description: How to greet the customer.', 'description: The name to greet the customer by.');
    const diff = diffFlows(load(triage), load(after));
    expect(diff.nodes).toEqual([
      {
        change: 'changed',
        id: 'reply',
        type: 'merge',
        moved: { before: { x: 1120, y: 160 }, after: { x: 1200, y: 200 } },
        fields: [],
        variants: [],
      },
    ]);
    expect(diff.edges).toEqual([{ change: 'removed', from: 'classify.value', to: 'category_out.value' }]);
    expect(diff.inputs).toEqual([
      { change: 'changed', name: 'customer', fields: [expect.objectContaining({ kind: 'text', path: 'description' })] },
    ]);
    expect(summarizeDiff(diff).map((line) => line.text)).toEqual([
      'input "customer": edited description (1 word removed, 3 added)',
      'disconnected classify.value → category_out.value',
      'moved 1 node',
    ]);
  });
});

describe('diffVariants', () => {
  it('compares what each variant runs with: the node config with its overrides', () => {
    const flow = load(triage);
    const node = flow.nodes.find((candidate) => candidate.id === 'billing_reply')!;
    const [template] = diffVariants(node, 'formal', 'friendly') as TextChange[];
    expect(template!.path).toBe('config.template');
    expect(template!.before).toContain('Dear {{ customer }}');
    expect(template!.after).toContain('Hi {{ customer }}!');
    expect(diffVariants(node, 'formal', 'formal')).toEqual([]);
  });

  it('shows an inherited parameter against an overridden one', () => {
    const node = {
      id: 'answer',
      type: 'llm',
      config: { temperature: 0, maxTokens: 64 },
      variants: [
        { name: 'base', config: {} },
        { name: 'hot', config: { temperature: 0.9, model: 'other' } },
      ],
    };
    expect(diffVariants(node, 'base', 'hot')).toEqual([
      { kind: 'value', path: 'config.temperature', before: 0, after: 0.9 },
      { kind: 'value', path: 'config.model', after: 'other' },
    ]);
  });

  it('names the variants there are when asked for one that is not', () => {
    const node = { id: 'answer', type: 'llm', variants: [{ name: 'base', config: {} }] };
    expect(() => diffVariants(node, 'base', 'nope')).toThrow('node "answer" has no variant "nope" (variants: base)');
  });
});
