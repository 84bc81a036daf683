import type { FlowNode } from '@groundwork/runtime/schema';
import { describe, expect, it } from 'vitest';
import { nodeSummary } from './node-summary.js';

const node = (type: string, config: Record<string, unknown>): FlowNode => ({ id: 'n', type, config }) as FlowNode;

describe('nodeSummary', () => {
  it('says which collection a retrieve node searches, how many passages and how', () => {
    expect(nodeSummary(node('retrieve', { collection: 'docs' }))?.text).toBe('docs · top 5 · hybrid');
    expect(nodeSummary(node('retrieve', { collection: 'faq', topK: 3, mode: 'keyword' }))?.text).toBe(
      'faq · top 3 · keyword',
    );
    expect(nodeSummary(node('retrieve', {}))).toBeUndefined();
  });

  it('names the groundedness scorer', () => {
    expect(nodeSummary(node('groundedness', {}))?.text).toBe('default scorer');
    expect(nodeSummary(node('groundedness', { scorer: 'nli', model: 'hhem' }))?.text).toBe('nli scorer');
  });
});
