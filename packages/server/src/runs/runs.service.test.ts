import {
  defaultRegistry,
  type Flow,
  type ModelProvider,
  NodeError,
  nodeSeed,
  RunRequestError,
} from '@groundwork/runtime';
import { buildFlow, ScriptedModel } from '@groundwork/runtime/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { FlowsRepository } from '../flows/flows.repository.js';
import type { HttpError } from '../http/http-error.js';
import { RunService } from './runs.service.js';

let db: Database | undefined;
afterEach(() => db?.close());

function setup(provider: ModelProvider) {
  db = openDatabase(':memory:');
  const flows = new FlowsRepository(db);
  const service = new RunService({
    db,
    log: pino({ level: 'silent' }),
    registry: defaultRegistry(),
    flows,
    models: { provider, device: 'cpu', list: async () => [], close: async () => {} },
    config: { bodyLimit: 1024 * 1024 },
  });
  return { db, flows, service };
}

//   q ──▶ gen (llm) ──▶ answer
function questionFlow(name = 'ask', llm: Record<string, unknown> = {}): Flow {
  return buildFlow({
    name,
    inputs: { q: 'text' },
    outputs: { answer: 'text' },
    nodes: [
      ['q', 'input', { name: 'q' }],
      { id: 'gen', type: 'llm', config: {}, position: { x: 0, y: 0 }, ...llm },
      ['answer', 'output', { name: 'answer' }],
    ],
    edges: ['q.value -> gen.prompt', 'gen.text -> answer.value'],
  });
}

//   items ──▶ each (map: item ──▶ gen ──▶ out) ──▶ results
function mapFlow(): Flow {
  return buildFlow({
    name: 'fan',
    inputs: { items: 'list<text>' },
    outputs: { results: 'list<text>' },
    nodes: [
      ['items', 'input', { name: 'items' }],
      [
        'each',
        'map',
        {
          flow: {
            inputs: { item: { type: 'text' } },
            outputs: { out: { type: 'text' } },
            nodes: [
              { id: 'item', type: 'input', config: { name: 'item' } },
              { id: 'gen', type: 'llm', config: {} },
              { id: 'out', type: 'output', config: { name: 'out' } },
            ],
            edges: [
              { from: 'item.value', to: 'gen.prompt' },
              { from: 'gen.text', to: 'out.value' },
            ],
          },
        },
      ],
      ['results', 'output', { name: 'results' }],
    ],
    edges: ['items.value -> each.items', 'each.out -> results.value'],
  });
}

describe('RunService', () => {
  it("records a map run node by node, each item's nodes in its own scope", async () => {
    const model = new ScriptedModel('m', (request) => `re: ${request.prompt}`);
    const { flows, service } = setup(model);
    flows.create(mapFlow(), undefined);
    const live = service.start({ flow: 'fan', inputs: { items: ['a', 'b'] }, source: 'api' });
    await live.done;
    const run = service.require(live.id);
    expect(run).toMatchObject({ status: 'succeeded', outputs: { results: ['re: a', 're: b'] }, source: 'api' });
    const byKey = Object.fromEntries(run.nodes.map((node) => [`${node.scope}|${node.nodeId}`, node]));
    expect(byKey['|each']).toMatchObject({
      nodeType: 'map',
      status: 'succeeded',
      outputs: { out: ['re: a', 're: b'] },
    });
    expect(byKey['each[1]|gen']).toMatchObject({
      nodeType: 'llm',
      status: 'succeeded',
      inputs: { prompt: 'b' },
      outputs: { text: 're: b' },
      inputTokens: 1,
      outputTokens: 2,
    });
    // The stored log is the live log, event for event.
    expect(service.storedEvents(live.id)).toEqual(live.events);
    expect(live.events.at(-1)!.type).toBe('run-end');
  });

  it('records every attempt of a node that succeeds on retry', async () => {
    const model = new ScriptedModel('m', (_request, call) =>
      call === 0 ? { text: '', error: new NodeError('flaky', 'try again') } : 'ok',
    );
    const { flows, service } = setup(model);
    flows.create(questionFlow('ask', { retry: { maxAttempts: 2, backoffMs: 1 } }), undefined);
    const live = service.start({ flow: 'ask', inputs: { q: 'x' }, source: 'api' });
    await live.done;
    const gen = service.require(live.id).nodes.find((node) => node.nodeId === 'gen');
    expect(gen).toMatchObject({ status: 'succeeded', attempts: 2, error: null, outputs: { text: 'ok' } });
  });

  it('runs many runs at once: none waits for another', async () => {
    const model = new ScriptedModel('m', () => 'one two three', { pieceDelayMs: 5 });
    const { flows, service } = setup(model);
    flows.create(questionFlow(), undefined);
    const runs = Array.from({ length: 20 }, (_, index) =>
      service.start({ flow: 'ask', inputs: { q: `q${index}` }, source: 'published' }),
    );
    await Promise.all(runs.map((live) => live.done));
    expect(model.maxConcurrent).toBe(20);
    expect(runs.map((live) => service.require(live.id).status)).toEqual(Array(20).fill('succeeded'));
  });

  it('refuses bad inputs and unknown versions before writing anything', () => {
    const { db, flows, service } = setup(new ScriptedModel('m', () => 'x'));
    flows.create(questionFlow(), undefined);
    expect(() => service.start({ flow: 'ask', inputs: { question: 'x' }, source: 'api' })).toThrow(RunRequestError);
    expect(() => service.start({ flow: 'ask', version: 2, source: 'api' })).toThrow(
      'version 2 of flow "ask" (latest: 1) was not found',
    );
    expect(() => service.start({ flow: 'nope', source: 'api' })).toThrow('flow "nope" was not found');
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 0 });
  });

  it('serves the preferred label when the flow has it, else the latest version', async () => {
    const { flows, service } = setup(new ScriptedModel('m', () => 'x'));
    const { flowId } = flows.create(questionFlow(), undefined);
    flows.addVersion(flowId, questionFlow(), undefined);
    const version = async () => {
      const live = service.start({ flow: 'ask', preferLabel: 'production', inputs: { q: 'x' }, source: 'published' });
      await live.done;
      return service.require(live.id).flowVersion;
    };
    expect(await version()).toBe(2);
    flows.setLabel(flowId, 'production', 1);
    expect(await version()).toBe(1);
  });

  it('close() cancels the runs in progress and returns once they are recorded cancelled', async () => {
    const model = new ScriptedModel('m', () => 'a '.repeat(1000), { pieceDelayMs: 2 });
    const { flows, service } = setup(model);
    flows.create(questionFlow(), undefined);
    const runs = [1, 2, 3].map(() => service.start({ flow: 'ask', inputs: { q: 'x' }, source: 'api' }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await service.close();
    for (const live of runs) {
      expect(live.ended).toBe(true);
      const run = service.require(live.id);
      expect(run.status).toBe('cancelled');
      expect(run.nodes.find((node) => node.nodeId === 'gen')!.status).toBe('cancelled');
    }
    // The engine ends a cancelled run at once; the model stops at its next piece.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(model.calls.map((call) => call.outcome)).toEqual(['aborted', 'aborted', 'aborted']);
    expect(() => service.start({ flow: 'ask', inputs: { q: 'x' }, source: 'api' })).toThrow('shutting down');
  });

  it('marks runs a dead process left running as interrupted, with their running nodes', () => {
    const { db, flows, service } = setup(new ScriptedModel('m', () => 'x'));
    const { flowId } = flows.create(questionFlow(), undefined);
    const insert = db.prepare(
      "INSERT INTO runs (id, flow_id, flow_version, status, source, inputs, variants, created_at) VALUES (?, ?, 1, ?, 'api', '{}', '{}', '2026-01-01T00:00:00.000Z')",
    );
    insert.run('run_a', flowId, 'running');
    insert.run('run_b', flowId, 'succeeded');
    db.prepare(
      "INSERT INTO run_nodes (run_id, node_id, status) VALUES ('run_a', 'gen', 'running'), ('run_a', 'q', 'succeeded')",
    ).run();
    expect(service.markInterrupted()).toBe(1);
    expect(service.require('run_a')).toMatchObject({
      status: 'interrupted',
      error: { code: 'interrupted' },
      endedAt: expect.any(String),
    });
    expect(service.require('run_a').nodes.map((node) => [node.nodeId, node.status])).toEqual([
      ['gen', 'interrupted'],
      ['q', 'succeeded'],
    ]);
    expect(service.require('run_b').status).toBe('succeeded');
    expect(service.markInterrupted()).toBe(0);
  });
});

describe('RunService seeds and replays', () => {
  /** The seed in the run's run-start event, as stored. */
  const startSeed = (service: RunService, id: string) => JSON.parse(service.storedEvents(id)[0]!.data).seed;

  it('records the seed it was given from the start and derives the llm node seed from it', async () => {
    const model = new ScriptedModel('m', () => 'x');
    const { flows, service } = setup(model);
    flows.create(questionFlow(), undefined);
    const live = service.start({ flow: 'ask', inputs: { q: 'x' }, seed: 42, source: 'api' });
    expect(service.require(live.id)).toMatchObject({ status: 'running', seed: 42, replayOf: null });
    await live.done;
    expect(startSeed(service, live.id)).toBe(42);
    expect(model.calls[0]!.request.seed).toBe(nodeSeed(42, undefined, 'gen'));
  });

  it('picks a random seed when none is given and records the one the run used', async () => {
    const model = new ScriptedModel('m', () => 'x');
    const { flows, service } = setup(model);
    flows.create(questionFlow(), undefined);
    const runs = [1, 2].map(() => service.start({ flow: 'ask', inputs: { q: 'x' }, source: 'api' }));
    await Promise.all(runs.map((live) => live.done));
    const seeds = runs.map((live) => service.require(live.id).seed!);
    for (const [index, seed] of seeds.entries()) {
      expect(Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff).toBe(true);
      expect(startSeed(service, runs[index]!.id)).toBe(seed);
      expect(model.calls[index]!.request.seed).toBe(nodeSeed(seed, undefined, 'gen'));
    }
    expect(seeds[0]).not.toBe(seeds[1]);
  });

  it('replays a run in progress: same version, inputs, variants and seed, pointing at the original', async () => {
    const model = new ScriptedModel('m', (request) => `t=${request.temperature} `.repeat(20), { pieceDelayMs: 2 });
    const { flows, service } = setup(model);
    const variants = {
      variants: [
        { name: 'calm', config: { temperature: 0.2 } },
        { name: 'wild', config: { temperature: 0.9 } },
      ],
      defaultVariant: 'calm',
    };
    const { flowId } = flows.create(questionFlow('ask', variants), undefined);
    flows.addVersion(flowId, questionFlow('ask', { ...variants, config: { maxTokens: 5 } }), undefined);
    const original = service.start({
      flow: 'ask',
      version: 1,
      inputs: { q: 'x' },
      variants: { gen: 'wild' },
      source: 'api',
    });
    const replay = service.replay(original.id);
    expect(service.require(original.id).status).toBe('running');
    await Promise.all([original.done, replay.done]);
    const [first, second] = [service.require(original.id), service.require(replay.id)];
    expect(second).toMatchObject({
      flowVersion: 1,
      inputs: { q: 'x' },
      variants: { gen: 'wild' },
      seed: first.seed,
      replayOf: first.id,
      source: 'replay',
      status: 'succeeded',
      outputs: first.outputs,
    });
    expect(model.calls.map((call) => [call.request.seed, call.request.temperature])).toEqual([
      [nodeSeed(first.seed!, undefined, 'gen'), 0.9],
      [nodeSeed(first.seed!, undefined, 'gen'), 0.9],
    ]);
  });

  it('refuses to replay a run recorded without a seed (409) and an unknown run (404), writing nothing', () => {
    const { db, flows, service } = setup(new ScriptedModel('m', () => 'x'));
    const { flowId } = flows.create(questionFlow(), undefined);
    db.prepare(
      "INSERT INTO runs (id, flow_id, flow_version, status, source, inputs, variants, created_at) VALUES ('run_old', ?, 1, 'succeeded', 'api', '{\"q\":\"x\"}', '{}', '2026-01-01T00:00:00.000Z')",
    ).run(flowId);
    expect(service.require('run_old')).toMatchObject({ seed: null, replayOf: null });
    const error = (call: () => unknown) => {
      try {
        call();
      } catch (thrown) {
        return thrown as HttpError;
      }
      throw new Error('expected the call to throw');
    };
    expect(error(() => service.replay('run_old'))).toMatchObject({
      status: 409,
      code: 'conflict',
      message: expect.stringContaining('run "run_old" was recorded before runs kept their seed'),
    });
    expect(error(() => service.replay('run_nope'))).toMatchObject({
      status: 404,
      message: 'run "run_nope" was not found',
    });
    expect(db.prepare('SELECT count(*) AS n FROM runs').get()).toEqual({ n: 1 });
  });
});
