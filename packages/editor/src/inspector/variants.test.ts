// @vitest-environment jsdom
import type { FlowNode } from '@groundwork/runtime/schema';
import { describe, expect, it } from 'vitest';
import { analysisOf } from '../graph/analysis.js';
import { deleteDeclaration, renameDeclaration } from './flow-edits.js';
import { questionFlow } from './test-fixtures.js';
import {
  addVariant,
  deleteVariant,
  disableVariants,
  effectiveConfig,
  enableVariants,
  setDefaultVariant,
  withConfigField,
} from './variants.js';

const llm: FlowNode = { id: 'answer', type: 'llm', config: { maxTokens: 64, useChatTemplate: false } };

describe('variant edits', () => {
  it('split the config into shared fields and the first variant’s own', () => {
    const node = enableVariants(llm);
    expect(node).toEqual({
      id: 'answer',
      type: 'llm',
      config: { useChatTemplate: false },
      variants: [{ name: 'default', config: { maxTokens: 64 } }],
    });
    expect(effectiveConfig(node, 'default')).toEqual(llm.config);
  });

  it('keep the document valid for the runtime after each step', () => {
    const flow = questionFlow();
    let ask = enableVariants(flow.nodes[1]!);
    ask = addVariant(ask, 'default').node;
    ask = withConfigField(ask, 'v2', 'template', 'Only {{ question }}');
    ask = setDefaultVariant(ask, 'v2');
    const next = { ...flow, nodes: flow.nodes.map((node) => (node.id === 'ask' ? ask : node)) };
    // The only problem is the one the flow had before: `context` is not connected.
    expect(analysisOf(next).problems.map((problem) => problem.code)).toEqual(['missing-input']);
    expect(ask.defaultVariant).toBe('v2');
  });

  it('leave defaultVariant out when it names the first variant', () => {
    const node = addVariant(enableVariants(llm), 'default').node;
    expect(setDefaultVariant(setDefaultVariant(node, 'v2'), 'default')).not.toHaveProperty('defaultVariant');
  });

  it('keep the named default when another variant is deleted, and never delete the last', () => {
    const node = setDefaultVariant(addVariant(addVariant(enableVariants(llm), 'default').node, 'default').node, 'v3');
    expect(deleteVariant(node, 'v2')).toMatchObject({
      defaultVariant: 'v3',
      variants: [{ name: 'default' }, { name: 'v3' }],
    });
    const one = enableVariants(llm);
    expect(deleteVariant(one, 'default')).toBe(one);
  });

  it('fold the last variant back into the config', () => {
    expect(disableVariants(enableVariants(llm))).toEqual(llm);
  });
});

describe('flow interface edits', () => {
  it('rename a declaration in place, and leave a taken name alone', () => {
    const flow = {
      ...questionFlow(),
      inputs: { a: { type: 'text' }, question: { type: 'text' }, z: { type: 'json' } },
    };
    expect(Object.keys(renameDeclaration(flow, 'inputs', 'question', 'q').inputs!)).toEqual(['a', 'q', 'z']);
    expect(renameDeclaration(flow, 'inputs', 'question', 'z')).toBe(flow);
  });

  it('drop the inputs key when the last input is deleted', () => {
    expect(deleteDeclaration(questionFlow(), 'inputs', 'question')).not.toHaveProperty('inputs');
  });
});
