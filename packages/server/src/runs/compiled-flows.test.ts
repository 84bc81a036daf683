import { defaultRegistry, type Flow, FlowValidationError, runFlow } from '@groundwork/runtime';
import { buildFlow } from '@groundwork/runtime/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import type { SubflowVersions } from '../flows/flow-references.js';
import { FlowsRepository, type FlowVersion } from '../flows/flows.repository.js';
import { CompiledFlows } from './compiled-flows.js';

let db: Database;
afterEach(() => db.close());

function setup(kept?: number) {
  db = openDatabase(':memory:');
  const flows = new FlowsRepository(db);
  const cache = new CompiledFlows(flows, defaultRegistry(), kept);
  let loads = 0;
  const compiled = {
    get: ({ flowId, version }: FlowVersion, pinned?: SubflowVersions) =>
      cache.get(
        flowId,
        version,
        () => {
          loads++;
          return flows.version(flowId, version)?.flow;
        },
        pinned,
      )?.compiled,
    /** The sub-flow versions the compilation resolved. */
    subflows: ({ flowId, version }: FlowVersion, pinned?: SubflowVersions) =>
      cache.get(flowId, version, () => flows.version(flowId, version)?.flow, pinned)?.subflows,
    loads: () => loads,
  };
  return { flows, compiled };
}

//   x ──▶ say (prompt) ──▶ y
const inner = (template: string): Flow =>
  buildFlow({
    name: 'inner',
    inputs: { x: 'text' },
    outputs: { y: 'text' },
    nodes: [
      ['x', 'input', { name: 'x' }],
      ['say', 'prompt', { template }],
      ['y', 'output', { name: 'y' }],
    ],
    edges: ['x.value -> say.x', 'say.prompt -> y.value'],
  });

//   q ──▶ sub ({ ref: inner }) ──▶ a
const outer = (): Flow =>
  buildFlow({
    name: 'outer',
    inputs: { q: 'text' },
    outputs: { a: 'text' },
    nodes: [
      ['q', 'input', { name: 'q' }],
      ['sub', 'subflow', { flow: { ref: 'inner' } }],
      ['a', 'output', { name: 'a' }],
    ],
    edges: ['q.value -> sub.x', 'sub.y -> a.value'],
  });

describe('CompiledFlows', () => {
  it('compiles a version once', () => {
    const { flows, compiled } = setup();
    const saved = flows.create(inner('{{ x }}'), undefined);
    const first = compiled.get(saved);
    expect(compiled.get(flows.version(saved.flowId, 1)!)).toBe(first);
    // A compiled version does not even read its document again.
    expect(compiled.loads()).toBe(1);
    expect(compiled.get({ ...saved, version: 2 })).toBeUndefined();
  });

  it('compiles again when a referenced flow now resolves to another version', async () => {
    const { flows, compiled } = setup();
    const { flowId: innerId } = flows.create(inner('one {{ x }}'), undefined);
    const saved = flows.create(outer(), undefined);
    const run = async () => (await runFlow(compiled.get(saved)!, { inputs: { q: 'q' } })).outputs.a;
    expect(await run()).toBe('one q');
    const first = compiled.get(saved);
    expect(compiled.get(saved)).toBe(first);

    flows.addVersion(innerId, inner('two {{ x }}'), undefined);
    expect(await run()).toBe('two q');
    flows.setLabel(innerId, 'production', 1);
    expect(await run()).toBe('one q');
    expect(compiled.get(saved)).not.toBe(first);
  });

  it('says which version each reference resolved to, and runs pinned versions when told to', async () => {
    const { flows, compiled } = setup();
    const { flowId: innerId } = flows.create(inner('one {{ x }}'), undefined);
    const saved = flows.create(outer(), undefined);
    expect(compiled.subflows(saved)).toEqual({ inner: { flowId: innerId, version: 1 } });
    flows.addVersion(innerId, inner('two {{ x }}'), undefined);
    expect(compiled.subflows(saved)).toEqual({ inner: { flowId: innerId, version: 2 } });

    const pinned = { inner: { flowId: innerId, version: 1 } };
    const run = async (pins?: SubflowVersions) =>
      (await runFlow(compiled.get(saved, pins)!, { inputs: { q: 'q' } })).outputs.a;
    expect(await run()).toBe('two q');
    expect(await run(pinned)).toBe('one q');
    expect(compiled.subflows(saved, pinned)).toEqual(pinned);
    // Pinned and current compilations are kept apart.
    expect(compiled.get(saved, pinned)).toBe(compiled.get(saved, pinned));
    expect(compiled.get(saved, pinned)).not.toBe(compiled.get(saved));
  });

  it('keeps the most recently used versions, up to its limit', () => {
    const { flows, compiled } = setup(2);
    const a = flows.create({ ...inner('a {{ x }}'), name: 'a' }, undefined);
    const b = flows.create({ ...inner('b {{ x }}'), name: 'b' }, undefined);
    const c = flows.create({ ...inner('c {{ x }}'), name: 'c' }, undefined);
    const compiledA = compiled.get(a);
    const compiledB = compiled.get(b);
    expect(compiled.get(a)).toBe(compiledA);
    compiled.get(c);
    expect(compiled.get(a)).toBe(compiledA);
    expect(compiled.get(b)).not.toBe(compiledB);
  });

  it('throws FlowValidationError for a version that does not validate, every time', () => {
    const { flows, compiled } = setup();
    const broken = inner('{{ x }}');
    broken.edges!.push({ from: 'ghost.value', to: 'y.value' });
    const saved = flows.create(broken, undefined);
    expect(() => compiled.get(saved)).toThrow(FlowValidationError);
    expect(() => compiled.get(saved)).toThrow(/ghost/);
  });
});
