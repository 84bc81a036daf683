import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRegistry, type Flow } from '@groundwork/runtime';
import { buildFlow, ScriptedModel } from '@groundwork/runtime/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { FlowsRepository } from '../flows/flows.repository.js';
import { RunService } from '../runs/runs.service.js';
import { CollectionService } from './collections.service.js';

const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'groundwork-collection-runs-')), 'groundwork.db'));
const flows = new FlowsRepository(db);
const collections = new CollectionService(db);
const models = {
  provider: { get: async () => new ScriptedModel('unused', () => '') },
  device: 'cpu',
  list: async () => [],
  close: async () => {},
};
const base = {
  db,
  log: pino({ level: 'silent' }),
  registry: defaultRegistry(),
  flows,
  models,
  config: { bodyLimit: 1 << 20 },
};
const service = new RunService({ ...base, collections });

beforeAll(async () => {
  await collections.create({ name: 'handbook' });
  await collections.addDocuments('handbook', [
    { source: 'tower.md', content: '# Tower\n\nThe Eiffel Tower is in Paris. It was completed in 1889.' },
    { source: 'bridge.md', content: '# Bridge\n\nThe Golden Gate Bridge is in San Francisco. It opened in 1937.' },
    { source: 'bread.md', content: '# Bread\n\nBake the bread in a hot oven.' },
  ]);
});
afterAll(async () => {
  await collections.close();
  db.close();
});

//   question ──▶ r (retrieve) ──passages──▶ g (groundedness) ──▶ result
//   answer ─────────────────────────────────┘ (answer)
//                r.passages ──▶ passages
function retrievalFlow(name: string, config: Record<string, unknown>): Flow {
  return buildFlow({
    name,
    inputs: { question: 'text', answer: 'text' },
    outputs: { passages: 'passages', result: 'json' },
    nodes: [
      ['question', 'input', { name: 'question' }],
      ['answer', 'input', { name: 'answer' }],
      ['r', 'retrieve', config],
      ['g', 'groundedness', {}],
      ['passages', 'output', { name: 'passages' }],
      ['result', 'output', { name: 'result' }],
    ],
    edges: [
      'question.value -> r.query',
      'r.passages -> g.context',
      'answer.value -> g.answer',
      'r.passages -> passages.value',
      'g.result -> result.value',
    ],
  });
}

const run = async (flow: string, inputs: Record<string, unknown>) => {
  const live = service.start({ flow, inputs, source: 'api' });
  await live.done;
  return service.require(live.id);
};

interface Evidence {
  passage?: number;
  passageId?: string;
  source?: string;
}

describe('retrieve nodes in stored runs', () => {
  it('return passages from the collection, and groundedness names the passage behind each sentence', async () => {
    flows.create(retrievalFlow('ask', { collection: 'handbook', topK: 2 }), undefined);
    const stored = await run('ask', {
      question: 'When was the Eiffel Tower completed?',
      answer: 'The Eiffel Tower was completed in 1889. The Golden Gate Bridge opened in 1937.',
    });
    expect(stored.status, JSON.stringify(stored.error)).toBe('succeeded');
    const passages = stored.outputs!.passages as { id: string; source: string; text: string; collection: string }[];
    expect(passages[0]).toMatchObject({ source: 'tower.md', collection: 'handbook' });
    expect(passages[0]!.id).toMatch(/^chk_/);
    expect(passages.length).toBeLessThanOrEqual(2);
    // Search-only fields (ranks, highlights) stay out of the port value.
    expect(passages[0]).not.toHaveProperty('highlights');

    const result = stored.outputs!.result as { sentences: { text: string; evidence: Evidence[] }[] };
    const tower = result.sentences[0]!.evidence[0]!;
    expect(tower).toMatchObject({ passageId: passages[0]!.id, source: 'tower.md' });
    expect(passages[tower.passage!]!.id).toBe(tower.passageId);
  });

  it('fail the node naming the collection when it does not exist', async () => {
    flows.create(retrievalFlow('missing', { collection: 'nope' }), undefined);
    const stored = await run('missing', { question: 'anything', answer: 'Something.' });
    expect(stored.status).toBe('failed');
    expect(stored.error).toMatchObject({
      nodeId: 'r',
      message: expect.stringContaining('collection "nope" was not found'),
    });
  });
});
