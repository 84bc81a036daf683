import { compileSpec } from '@groundwork/runtime/testing';
import { describe, expect, it } from 'vitest';
import { planEvaluation } from './evaluation-plan.js';

//   question ──▶ draft (prompt: plain | polite) ──▶ write (llm: cold | warm) ──▶ reply (text)
//                                                                        └─────▶ notes (json)
const flow = compileSpec({
  name: 'draft',
  inputs: { question: 'text' },
  outputs: { reply: 'text', notes: 'json' },
  nodes: [
    ['question', 'input', { name: 'question' }],
    {
      id: 'draft',
      type: 'prompt',
      config: {},
      position: { x: 0, y: 0 },
      variants: [
        { name: 'plain', config: { template: '{{ question }}' } },
        { name: 'polite', config: { template: 'Please: {{ question }}' } },
      ],
      defaultVariant: 'plain',
    },
    {
      id: 'write',
      type: 'llm',
      config: {},
      position: { x: 0, y: 0 },
      variants: [
        { name: 'cold', config: { temperature: 0 } },
        { name: 'warm', config: { temperature: 0.8 } },
      ],
      defaultVariant: 'cold',
    },
    ['reply', 'output', { name: 'reply' }],
    ['notes', 'output', { name: 'notes' }],
  ],
  edges: [
    'question.value -> draft.question',
    'draft.prompt -> write.prompt',
    'write.text -> reply.value',
    'write.text -> notes.value',
  ],
});

describe('planEvaluation', () => {
  it('defaults: the only text output is the answer, context and reference from columns, metrics where fields resolve', () => {
    const { plan, issues } = planEvaluation(flow, ['question', 'context', 'ground_truth'], 3, {});
    expect(issues).toEqual([]);
    expect(plan.mapping).toEqual({ question: 'question' });
    expect(plan.fields).toEqual({
      answer: 'outputs.reply',
      context: 'row.context',
      question: 'inputs.question',
      reference: 'row.ground_truth',
    });
    expect(plan.metrics).toEqual(['groundedness', 'relevance', 'similarity', 'latency', 'tokens_in', 'tokens_out']);
    expect(plan.combinations).toEqual([{ index: 0, key: 'default', variants: {} }]);
  });

  it('leaves out the metrics whose fields resolve to nothing', () => {
    const { plan } = planEvaluation(flow, ['question'], 3, {});
    expect(plan.fields).toEqual({ answer: 'outputs.reply', question: 'inputs.question' });
    expect(plan.metrics).toEqual(['relevance', 'latency', 'tokens_in', 'tokens_out']);
  });

  it('runs the cross product of the variants given, in order, keyed by node=variant', () => {
    const { plan, issues } = planEvaluation(flow, ['question'], 2, {
      variants: { draft: ['plain', 'polite'], write: ['cold', 'warm'] },
    });
    expect(issues).toEqual([]);
    expect(plan.combinations.map((combination) => combination.key)).toEqual([
      'draft=plain,write=cold',
      'draft=plain,write=warm',
      'draft=polite,write=cold',
      'draft=polite,write=warm',
    ]);
  });

  it('names every problem at its path: metric needing a missing field, mapping, repeated combination', () => {
    const { issues } = planEvaluation(flow, ['q'], 2, {
      mapping: { topic: 'q' },
      combinations: [{ draft: 'polite' }, { draft: 'polite' }],
      metrics: ['exact_match'],
    });
    expect(issues).toEqual([
      { path: 'body.mapping.topic', message: 'the flow has no input "topic" (inputs: question)' },
      {
        path: 'body.mapping.question',
        message: 'the required input "question" has no column of its name; map it to one of: q',
      },
      { path: 'body.combinations.1', message: 'repeats combination 0 (draft=polite)' },
      {
        path: 'body.metrics.0',
        message:
          'metric "exact_match" needs reference, which resolve to nothing: set fields.reference (outputs.NAME, inputs.NAME or row.COLUMN)',
      },
    ]);
  });

  it('refuses a node without variants in a combination', () => {
    const { issues } = planEvaluation(flow, ['question'], 1, { combinations: [{ question: 'a' }] });
    expect(issues).toEqual([{ path: 'body.combinations.0.question', message: 'node "question" has no variants' }]);
  });
});
