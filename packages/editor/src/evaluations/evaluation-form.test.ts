import { describe, expect, it } from 'vitest';
import { parseSide, sortRows } from './comparison-data.js';
import { datasetNameOf, uploadFormatOf } from './dataset-upload.js';
import {
  combinationCount,
  defaultMapping,
  evaluationRequestOf,
  type FormValues,
  flowInputsOf,
  formProblems,
  variantNodesOf,
} from './evaluation-form.js';
import { formatDifference, formatEstimate, formatMetric } from './metrics.js';
import { parseRoute, routeHash } from './route.js';
import { qaFlow } from './test-fixtures.js';

const values = (overrides: Partial<FormValues> = {}): FormValues => ({
  flow: 'flow_qa',
  version: 'latest',
  dataset: 'dst_qa',
  mapping: { question: 'question', tone: '' },
  variants: { ask: ['short'], answer: [] },
  metrics: ['latency'],
  fields: { answer: ' outputs.answer ', context: '' },
  scorer: 'llm',
  threshold: '',
  model: '',
  concurrency: '',
  name: '',
  ...overrides,
});

describe('the new-evaluation form', () => {
  it('finds the nodes with variants, their default, and counts the cross product', () => {
    const nodes = variantNodesOf(qaFlow);
    expect(nodes.map((node) => [node.id, node.variants, node.defaultVariant])).toEqual([
      ['ask', ['short', 'long'], 'short'],
      ['answer', ['cold', 'warm'], 'cold'],
    ]);
    expect(combinationCount({ ask: ['short', 'long'], answer: ['cold', 'warm'], other: ['x', 'y', 'z'] })).toBe(12);
    expect(combinationCount({ ask: [], answer: ['cold'] })).toBe(1);
    expect(combinationCount({})).toBe(1);
  });

  it('maps inputs to same-named columns only, and knows which inputs are required', () => {
    const inputs = flowInputsOf(qaFlow);
    expect(inputs.map((input) => [input.name, input.required])).toEqual([
      ['question', true],
      ['context', true],
      ['tone', false],
    ]);
    expect(defaultMapping(inputs, ['context', 'Question', 'tone'])).toEqual({ context: 'context', tone: 'tone' });
  });

  it('leaves out what is empty, so the server defaults apply; the scorer only with groundedness', () => {
    expect(evaluationRequestOf(values())).toEqual({
      flow: 'flow_qa',
      dataset: 'dst_qa',
      mapping: { question: 'question' },
      variants: { ask: ['short'] },
      metrics: ['latency'],
      fields: { answer: 'outputs.answer' },
    });
    const grounded = evaluationRequestOf(
      values({ metrics: ['groundedness'], model: ' judge ', threshold: '0.7', version: 3, name: ' run ' }),
    );
    expect(grounded.groundedness).toEqual({ scorer: 'llm', threshold: 0.7, model: 'judge' });
    expect([grounded.version, grounded.name]).toEqual([3, 'run']);
  });

  it('catches numbers out of range, no metric, and a judge without a model', () => {
    expect(formProblems(values({ threshold: '1.5', concurrency: '65', metrics: [] }))).toEqual([
      'The threshold is a number from 0 to 1.',
      'Concurrency is a whole number from 1 to 64.',
      'Tick at least one metric.',
    ]);
    expect(formProblems(values({ metrics: ['groundedness'] }))).toEqual(['The LLM judge scorer needs a model.']);
    expect(formProblems(values({ concurrency: '2.5' }))).toEqual(['Concurrency is a whole number from 1 to 64.']);
    expect(formProblems(values({ concurrency: '64', threshold: '0' }))).toEqual([]);
  });
});

describe('helpers', () => {
  it('reads and writes the routes', () => {
    for (const route of [
      { page: 'list' },
      { page: 'datasets' },
      { page: 'datasets', dataset: 'my set' },
      { page: 'new', flow: 'qa', dataset: 'qa-set' },
      { page: 'evaluation', id: 'evl_1' },
      { page: 'compare', a: 'evl_1:0', b: 'evl_2:1', metric: 'latency' },
    ] as const)
      expect(parseRoute(routeHash(route))).toEqual(route);
    expect(parseRoute('#/evaluations/compare')).toEqual({ page: 'compare' });
  });

  it('reads sides, sorts rows by difference with the unknown last', () => {
    expect(parseSide('evl_1:2')).toEqual({ evaluation: 'evl_1', combination: 2 });
    expect(parseSide('evl_1')).toEqual({ evaluation: 'evl_1', combination: 0 });
    expect(parseSide(undefined)).toBeUndefined();
    const rows = [
      { row: 0, difference: null },
      { row: 1, difference: -0.5 },
      { row: 2, difference: 0.25 },
      { row: 3, difference: 0.25 },
    ];
    expect(sortRows(rows, 'difference-down').map((row) => row.row)).toEqual([2, 3, 1, 0]);
    expect(sortRows(rows, 'difference-up').map((row) => row.row)).toEqual([1, 2, 3, 0]);
  });

  it('names uploads and their formats from the file name', () => {
    expect(uploadFormatOf('a.JSONL')?.contentType).toBe('application/x-ndjson');
    expect(uploadFormatOf('a.csv')?.format).toBe('csv');
    expect(uploadFormatOf('a.json')?.contentType).toBe('application/json');
    expect(uploadFormatOf('a.txt')).toBeNull();
    expect(datasetNameOf('_My data (v2).csv')).toBe('My-data-v2-');
    expect(datasetNameOf('###.jsonl')).toBe('dataset');
  });

  it('formats values in their unit, differences with their sign', () => {
    expect(formatMetric('groundedness', 0.71234)).toBe('0.712');
    expect(formatMetric('latency', 1234.6)).toBe('1235 ms');
    expect(formatMetric('tokens_out', 12)).toBe('12');
    expect(formatMetric('groundedness', null)).toBe('—');
    expect(formatDifference('latency', -20)).toBe('−20 ms');
    expect(formatEstimate('relevance', { mean: 0.5, low: 0.4, high: 0.6 })).toBe('0.500 [0.400, 0.600]');
  });
});
