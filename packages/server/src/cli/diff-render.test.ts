import type { Flow } from '@groundwork/runtime';
import { diffFlows, diffVariants } from '@groundwork/runtime/diff';
import { describe, expect, it } from 'vitest';
import { withContext } from './diff-context.js';
import { formatValue, renderFlowDiff, renderVariantDiff } from './diff-render.js';

/**
 *   question ──▶ prompt ──▶ generate ──▶ answer
 */
function askFlow(): Flow {
  return {
    schemaVersion: 1,
    name: 'ask',
    inputs: { question: { type: 'text' } },
    outputs: { answer: { type: 'text' } },
    nodes: [
      { id: 'question', type: 'input', config: { name: 'question' }, position: { x: 0, y: 0 } },
      {
        id: 'prompt',
        type: 'prompt',
        config: { template: 'You are helpful.\nAnswer in one sentence: {{ question }}\n' },
        variants: [
          { name: 'plain', config: {} },
          { name: 'expert', config: { template: 'You are an expert. {{ question }}' } },
        ],
      },
      { id: 'generate', type: 'llm', config: { maxTokens: 64, temperature: 0 } },
      { id: 'answer', type: 'output', config: { name: 'answer' } },
    ],
    edges: [
      { from: 'question.value', to: 'prompt.question' },
      { from: 'prompt.prompt', to: 'generate.prompt' },
      { from: 'generate.text', to: 'answer.value' },
    ],
  };
}

describe('renderFlowDiff', () => {
  it('says there are no differences under the header', () => {
    expect(renderFlowDiff(diffFlows(askFlow(), askFlow()), 'a → b', { color: false })).toBe('a → b\nno differences\n');
  });

  it('lists each section with its changes: fields as path: before → after, texts word by word', () => {
    const after = askFlow();
    after.inputs = { question: { type: 'text', description: 'What to ask' }, tone: { type: 'text' } };
    after.nodes[0]!.position = { x: 0, y: 40 };
    after.nodes[1]!.config = { template: 'You are helpful.\nAnswer in two words: {{ question }}\n' };
    after.nodes[2]!.config = { maxTokens: 64, temperature: 0.7 };
    after.edges!.push({ from: 'question.value', to: 'answer.value' });

    expect(renderFlowDiff(diffFlows(askFlow(), after), 'before → after', { color: false })).toBe(
      [
        'before → after',
        'inputs',
        '  ~ question',
        '    description: (unset) → "What to ask"',
        '  + tone (text)',
        'nodes',
        '  ~ node "question" (input)',
        '    moved (0, 0) → (0, 40)',
        '  ~ node "prompt" (prompt)',
        '    config.template:',
        '        1 1  You are helpful.',
        '      ~ 2 2  Answer in [-one sentence-]{+two words+}: {{ question }}',
        '  ~ node "generate" (llm)',
        '    config.temperature: 0 → 0.7',
        'edges',
        '  + question.value → answer.value',
        '',
      ].join('\n'),
    );
  });

  it('shows what an added node holds and a removed one held, and renamed nodes and variants', () => {
    const after = askFlow();
    const prompt = after.nodes[1]!;
    prompt.variants = [
      { name: 'basic', config: {} },
      { name: 'expert', config: { template: 'You are an expert. {{ question }}' } },
    ];
    prompt.defaultVariant = undefined;
    after.nodes.push({ id: 'polish', type: 'prompt', config: { template: 'Polish:\n{{ text }}\n' } });
    after.nodes = after.nodes.filter((node) => node.id !== 'answer');
    after.nodes.push({ id: 'reply', type: 'output', config: { name: 'answer' } });
    after.nodes.splice(2, 1);
    after.edges = after.edges!.filter((edge) => !edge.to.startsWith('generate') && !edge.from.startsWith('generate'));

    const text = renderFlowDiff(diffFlows(askFlow(), after), 'x', { color: false });
    expect(text).toContain(
      ['  - node "generate" (llm)', '    config.maxTokens: 64', '    config.temperature: 0'].join('\n'),
    );
    expect(text).toContain(
      ['  + node "polish" (prompt)', '    config.template:', '      +   1  Polish:', '      +   2  {{ text }}'].join(
        '\n',
      ),
    );
    expect(text).toContain(['  ~ node "reply" (output)', '    renamed from "answer"'].join('\n'));
    expect(text).toContain('    ~ variant "basic", renamed from "plain"');
  });

  it('colours markers and values, and marks changed words in inverse instead of [- -]', () => {
    const after = askFlow();
    after.nodes[1]!.config = { template: 'You are helpful.\nAnswer in two words: {{ question }}\n' };
    after.nodes[2]!.config = { maxTokens: 64, temperature: 0.7 };
    const text = renderFlowDiff(diffFlows(askFlow(), after), 'a → b', { color: true });
    expect(text).toContain('\u001b[1ma → b\u001b[22m');
    expect(text).toContain('\u001b[33m~\u001b[39m node "generate" (llm)');
    expect(text).toContain('config.temperature: \u001b[31m0\u001b[39m → \u001b[32m0.7\u001b[39m');
    expect(text).toContain('Answer in \u001b[7mone sentence\u001b[27m: {{ question }}');
    expect(text).toContain('Answer in \u001b[7mtwo words\u001b[27m: {{ question }}');
    expect(text).not.toMatch(/\[-|\{\+/);
  });

  it('shows as many context lines as withContext asks for', () => {
    const lines = Array.from({ length: 9 }, (_, index) => `line ${index + 1}`);
    const before = askFlow();
    before.description = `${lines.join('\n')}\n`;
    const after = askFlow();
    after.description = `${lines.join('\n').replace('line 5', 'line five')}\n`;
    const render = (context: number) =>
      renderFlowDiff(withContext(diffFlows(before, after), context), 'x', { color: false })
        .split('\n')
        .filter((line) => /^\s+[ ~] \d/.test(line));
    expect(render(0)).toEqual(['    ~ 5 5  line [-5-]{+five+}']);
    expect(render(1)).toEqual(['      4 4  line 4', '    ~ 5 5  line [-5-]{+five+}', '      6 6  line 6']);
    expect(render(3)).toHaveLength(7);
  });
});

describe('renderVariantDiff', () => {
  it('lists the fields in which two variants differ, in the config each runs with', () => {
    const prompt = askFlow().nodes[1]!;
    const text = renderVariantDiff(diffVariants(prompt, 'plain', 'expert'), 'ask: node "prompt"', { color: false });
    expect(text).toBe(
      [
        'ask: node "prompt"',
        '  config.template:',
        '    - 1    You are [-helpful-].',
        '    +   1  You are {+an expert+}. {{ question }}',
        '    - 2    [-Answer in one sentence: -]{{ question }}',
        '',
      ].join('\n'),
    );
    expect(renderVariantDiff([], 'h', { color: false })).toBe('h\nno differences\n');
  });
});

describe('formatValue', () => {
  it('writes numbers and booleans bare, anything else as JSON, a missing value as (unset), and never cuts', () => {
    expect(formatValue(0.7)).toBe('0.7');
    expect(formatValue(false)).toBe('false');
    expect(formatValue('x')).toBe('"x"');
    expect(formatValue(['\n'])).toBe('["\\n"]');
    expect(formatValue(undefined)).toBe('(unset)');
    expect(formatValue('y'.repeat(200))).toHaveLength(202);
  });
});
