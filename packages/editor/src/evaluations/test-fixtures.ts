/** Datasets, flows, evaluations and results as the server answers them, for the evaluation pages' tests. */
import type { GroundednessResult } from '@groundwork/runtime/evaluators';
import type { Flow } from '@groundwork/runtime/schema';
import type {
  Comparison,
  Dataset,
  Evaluation,
  EvaluationResult,
  EvaluationSummary,
  FlowSummary,
} from '../api/client.js';
import { type FakeServer, fakeServer, savedFlow } from '../testing/fake-server.js';

export const TIME = '2026-05-01T10:00:00.000Z';

export function dataset(overrides: Partial<Dataset> = {}): Dataset {
  return {
    id: 'dst_qa',
    name: 'qa-set',
    format: 'jsonl',
    columns: ['question', 'context', 'reference'],
    rowCount: 3,
    contentHash: 'sha256:abc',
    createdAt: TIME,
    ...overrides,
  };
}

/** question + context in, a prompt node `ask` (short, long) and an llm node `answer` (cold, warm), answer out. */
export const qaFlow: Flow = {
  schemaVersion: 1,
  name: 'qa',
  inputs: { question: { type: 'text' }, context: { type: 'text' }, tone: { type: 'text', default: 'plain' } },
  outputs: { answer: { type: 'text' } },
  nodes: [
    { id: 'question', type: 'input', config: { name: 'question' } },
    {
      id: 'ask',
      type: 'prompt',
      config: {},
      variants: [
        { name: 'short', config: { template: '{{ question }}' } },
        { name: 'long', config: { template: 'Context: {{ context }}\n{{ question }}' } },
      ],
      defaultVariant: 'short',
    },
    {
      id: 'answer',
      type: 'llm',
      config: {},
      variants: [
        { name: 'cold', config: { temperature: 0 } },
        { name: 'warm', config: { temperature: 0.8 } },
      ],
    },
    { id: 'out', type: 'output', config: { name: 'answer' } },
  ],
  edges: [],
};

export function flowSummary(overrides: Partial<FlowSummary> = {}): FlowSummary {
  return {
    id: 'flow_qa',
    name: 'qa',
    description: null,
    latestVersion: 2,
    createdAt: TIME,
    updatedAt: TIME,
    labels: { production: 1 },
    ...overrides,
  };
}

export function evaluation(overrides: Partial<Evaluation> = {}): Evaluation {
  return {
    id: 'evl_1',
    name: 'qa on qa-set',
    flowId: 'flow_qa',
    flowName: 'qa',
    flowVersion: 2,
    datasetId: 'dst_qa',
    datasetName: 'qa-set',
    status: 'succeeded',
    combinations: [
      { index: 0, key: 'ask=short', variants: { ask: 'short' } },
      { index: 1, key: 'ask=long', variants: { ask: 'long' } },
    ],
    metrics: ['groundedness', 'latency'],
    fields: {},
    groundedness: { scorer: 'default' },
    mapping: { question: 'question', context: 'context' },
    seed: 7,
    progress: { total: 6, done: 6, failed: 0 },
    createdAt: TIME,
    endedAt: TIME,
    error: null,
    ...overrides,
  };
}

export function summary(): EvaluationSummary {
  return {
    combinations: [
      {
        index: 0,
        key: 'ask=short',
        variants: { ask: 'short' },
        metrics: {
          groundedness: { mean: 0.5, low: 0.25, high: 0.75, n: 3 },
          latency: { mean: 120, low: 100, high: 140, n: 3 },
        },
      },
      {
        index: 1,
        key: 'ask=long',
        variants: { ask: 'long' },
        metrics: {
          groundedness: { mean: 0.8, low: 0.7, high: 0.9, n: 3 },
          latency: { mean: 180, low: 150, high: 210, n: 3 },
        },
      },
    ],
  };
}

export const CONTEXT = 'The tower is 300 metres tall. It was built in 1889 for the fair.';

/** "It is 300 metres tall. It was painted green." against CONTEXT: the first sentence supported, the second not. */
export function grounded(answer: string): GroundednessResult {
  const first = answer.indexOf('.') + 1;
  return {
    score: 0.5,
    rating: 3,
    supported: true,
    threshold: 0.5,
    scorer: 'default',
    sentences: [
      {
        text: answer.slice(0, first),
        start: 0,
        end: first,
        score: 0.9,
        supported: true,
        evidence: [{ text: 'The tower is 300 metres tall.', start: 0, end: 29, passage: 0, score: 0.9 }],
      },
      {
        text: answer.slice(first + 1),
        start: first + 1,
        end: answer.length,
        score: 0.1,
        supported: false,
        evidence: [],
      },
    ],
  };
}

export function result(combination: number, row: number, overrides: Partial<EvaluationResult> = {}): EvaluationResult {
  const answer = `Answer ${combination}-${row}. It was painted green.`;
  return {
    combination,
    row,
    rowValues: { question: `Question ${row}?`, context: CONTEXT, reference: 'ref' },
    inputs: { question: `Question ${row}?`, context: CONTEXT },
    outputs: { answer },
    status: 'done',
    error: null,
    runId: `run_${combination}_${row}`,
    metrics: { groundedness: 0.5 },
    groundedness: grounded(answer),
    answer,
    context: CONTEXT,
    durationMs: 100,
    tokensIn: 10,
    tokensOut: 5,
    ...overrides,
  };
}

export function comparison(overrides: Partial<Comparison> = {}): Comparison {
  return {
    metric: 'groundedness',
    higherIsBetter: true,
    a: {
      evaluation: 'evl_1',
      combination: 0,
      key: 'ask=short',
      flowVersion: 2,
      mean: 0.5,
      low: 0.25,
      high: 0.75,
      n: 3,
    },
    b: { evaluation: 'evl_1', combination: 1, key: 'ask=long', flowVersion: 2, mean: 0.8, low: 0.7, high: 0.9, n: 3 },
    difference: { mean: 0.3, low: 0.1, high: 0.5 },
    better: 2,
    worse: 0,
    equal: 1,
    rows: [
      { row: 0, a: 0.5, b: 0.9, difference: 0.4, preference: null },
      { row: 1, a: 0.5, b: 0.5, difference: 0, preference: 'tie' },
      { row: 2, a: 0.2, b: 0.7, difference: 0.5, preference: null },
    ],
    ...overrides,
  };
}

/** A fake server with one flow (two versions), one dataset and one finished evaluation. */
export function evaluationServer(): FakeServer {
  const server = fakeServer();
  server
    .on('GET', '/api/flows', () => ({ body: { flows: [flowSummary()] } }))
    .on('GET', '/api/flows/:id', () => ({ body: savedFlow(qaFlow, { id: 'flow_qa', version: 2 }) }))
    .on('GET', '/api/flows/:id/versions/:version', (request) => ({
      body: { version: savedFlow(qaFlow, { id: 'flow_qa', version: Number(request.params.version) }).version },
    }))
    .on('GET', '/api/datasets', () => ({ body: { datasets: [dataset()] } }))
    .on('GET', '/api/datasets/:dataset', () => ({
      body: {
        dataset: dataset(),
        rows: [0, 1, 2].map((index) => ({
          index,
          values: { question: `Question ${index}?`, context: CONTEXT, reference: 'ref' },
        })),
      },
    }))
    .on('GET', '/api/evaluations', () => ({ body: { evaluations: [evaluation()] } }))
    .on('GET', '/api/evaluations/:id', () => ({ body: { evaluation: evaluation(), summary: summary() } }))
    .on('GET', '/api/evaluations/:id/results', (request) => {
      const combination = Number(request.query.get('combination') ?? 0);
      const results = [0, 1, 2].map((row) => result(combination, row));
      return { body: { results, total: results.length } };
    })
    .on('GET', '/api/evaluations/compare', () => ({ body: comparison() }))
    .on('PUT', '/api/evaluations/preferences', (request) => ({ body: { preference: request.body } }))
    .on('DELETE', '/api/evaluations/preferences', () => ({ status: 204 }));
  return server;
}
