import type { Flow } from '@groundwork/runtime';
import { questionAnswerFlow } from '@groundwork/runtime/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { FlowsRepository } from './flows.repository.js';
import { VersionHistory } from './version-history.js';

let db: Database;
let repository: FlowsRepository;
/** The versions whose documents the history read, in order. */
let loads: number[];
const counting = {
  version: (flowId: string, version: number) => {
    loads.push(version);
    return repository.version(flowId, version);
  },
};

/** question → prompt → llm → answer, with a template and llm config to edit. */
function qa(template: string, llm: Record<string, unknown> = {}): Flow {
  const flow = questionAnswerFlow();
  flow.nodes[1]!.config = { template };
  flow.nodes[2]!.config = llm;
  return flow;
}

let flowId: string;
beforeEach(() => {
  db = openDatabase(':memory:');
  repository = new FlowsRepository(db);
  loads = [];
  flowId = repository.create(qa('Answer briefly: {{ question }}'), undefined).flowId;
  repository.addVersion(flowId, qa('Answer kindly: {{ question }}'), undefined);
  repository.addVersion(flowId, qa('Answer kindly: {{ question }}', { temperature: 0.7 }), undefined);
});
afterEach(() => db.close());

describe('VersionHistory', () => {
  it('says what changed in each version from the one before it, nothing for version 1', () => {
    const changes = new VersionHistory(counting).changes(flowId, [3, 2, 1]);
    expect(Object.fromEntries(changes)).toEqual({
      1: [],
      2: [{ kind: 'changed', node: 'prompt', text: 'edited template (1 word removed, 1 added)' }],
      3: [{ kind: 'changed', node: 'llm', text: 'set temperature to 0.7' }],
    });
  });

  it('reads each document once, then nothing for versions it has summarised', () => {
    const history = new VersionHistory(counting);
    const first = history.changes(flowId, [3, 2, 1]);
    expect(loads).toEqual([1, 2, 3]);
    loads = [];
    expect(history.changes(flowId, [3, 2, 1])).toEqual(first);
    expect(loads).toEqual([]);
    repository.addVersion(flowId, qa('Answer kindly: {{ question }}', { temperature: 0.2 }), undefined);
    const next = history.changes(flowId, [4, 3, 2, 1]);
    expect(loads).toEqual([4, 3]);
    expect(next.get(4)).toEqual([{ kind: 'changed', node: 'llm', text: 'temperature 0.7 → 0.2' }]);
  });

  it('keeps a bounded number of summaries, dropping the least recently used', () => {
    const history = new VersionHistory(counting, 2);
    history.changes(flowId, [2]);
    history.changes(flowId, [3]);
    history.changes(flowId, [2]);
    loads = [];
    history.changes(flowId, [1]);
    expect(loads).toEqual([1]);
    loads = [];
    history.changes(flowId, [2]);
    expect(loads).toEqual([]);
    history.changes(flowId, [3]);
    expect(loads).toEqual([3, 2]);
  });

  it('forgets a deleted flow', () => {
    const history = new VersionHistory(counting);
    history.changes(flowId, [2]);
    history.forget(flowId);
    loads = [];
    history.changes(flowId, [2]);
    expect(loads).toEqual([2, 1]);
  });
});
