import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRegistry, type Flow } from '@groundwork/runtime';
import { OnnxEngine } from '@groundwork/runtime/models';
import { buildFlow } from '@groundwork/runtime/testing';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/connection.js';
import { FlowsRepository } from '../flows/flows.repository.js';
import { onnxModelHost } from '../models/model-host.js';
import { RunService } from '../runs/runs.service.js';

const SHARED_MODELS = resolve(fileURLToPath(new URL('../../../../../shared/models', import.meta.url)));
const models = onnxModelHost(new OnnxEngine({ device: 'cpu', searchPaths: [SHARED_MODELS] }), [SHARED_MODELS], 'cpu');
const db = openDatabase(':memory:');
const flows = new FlowsRepository(db);
const service = new RunService({
  db,
  log: pino({ level: 'silent' }),
  registry: defaultRegistry(),
  flows,
  models,
  config: { bodyLimit: 1024 * 1024 },
});
afterAll(async () => {
  await models.close();
  db.close();
});

//   answer ──▶ g (groundedness) ──▶ score, supported, result
//   context ─┘
function groundedFlow(name: string, config: Record<string, unknown>): Flow {
  return buildFlow({
    name,
    inputs: { answer: 'text', context: 'text' },
    outputs: { score: 'number', supported: 'boolean', result: 'json' },
    nodes: [
      ['answer', 'input', { name: 'answer' }],
      ['context', 'input', { name: 'context' }],
      ['g', 'groundedness', config],
      ['score', 'output', { name: 'score' }],
      ['supported', 'output', { name: 'supported' }],
      ['result', 'output', { name: 'result' }],
    ],
    edges: [
      'answer.value -> g.answer',
      'context.value -> g.context',
      'g.score -> score.value',
      'g.supported -> supported.value',
      'g.result -> result.value',
    ],
  });
}

describe('groundedness nodes in stored runs', () => {
  it('get the llm scorer from the server models (stories260K judges: the shape, not the verdict)', async () => {
    flows.create(groundedFlow('judged', { scorer: 'llm', model: 'stories260K' }), undefined);
    const live = service.start({
      flow: 'judged',
      inputs: { answer: 'Lily was happy.', context: 'Lily smiled.' },
      source: 'api',
    });
    await live.done;
    const run = service.require(live.id);
    expect(run.status).toBe('succeeded');
    const outputs = run.outputs ?? {};
    const result = outputs.result as { scorer: string; sentences: { text: string; reply: string }[] };
    expect(result.scorer).toBe('llm');
    expect(result.sentences.map((sentence) => sentence.text)).toEqual(['Lily was happy.']);
    expect(typeof result.sentences[0]!.reply).toBe('string');
    expect(outputs.supported).toBe((outputs.score as number) >= 0.75);
  });

  it('fail the node, naming the model, when it is not an NLI model', async () => {
    flows.create(groundedFlow('nli', { scorer: 'nli', model: 'stories260K' }), undefined);
    const live = service.start({
      flow: 'nli',
      inputs: { answer: 'Lily was happy.', context: 'Lily smiled.' },
      source: 'api',
    });
    await live.done;
    const run = service.require(live.id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'invalid-scorer' });
    expect(run.error!.message).toMatch(/"stories260K".*not an NLI classifier/);
  });
});
