import type { RunEvent } from '@groundwork/runtime/schema';
import { describe, expect, it } from 'vitest';
import { applyRunEvent, startedRun } from './run-view.js';

type Body = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'time' | 'seq'> : never) : never;
const events = (...bodies: Body[]): RunEvent[] =>
  bodies.map((body, i) => ({ ...body, runId: 'r', seq: i + 1, time: 0 }) as RunEvent);

describe('applyRunEvent', () => {
  it('keeps the seed the run-start event names, to replay the run', () => {
    const [withSeed] = events({ type: 'run-start', flow: 'f', inputs: {}, variants: {}, seed: 42 });
    const [withoutSeed] = events({ type: 'run-start', flow: 'f', inputs: {}, variants: {} });
    expect(applyRunEvent(startedRun('r', []), withSeed!).seed).toBe(42);
    expect(applyRunEvent(startedRun('r', []), withoutSeed!)).not.toHaveProperty('seed');
  });

  it('follows each node from queued to its end, streaming an llm node’s text', () => {
    const log = events(
      { type: 'run-start', flow: 'f', inputs: { q: 'x' }, variants: {} },
      { type: 'node-start', nodeId: 'gen', nodeType: 'llm', attempt: 1, inputs: { prompt: 'x' } },
      { type: 'node-token', nodeId: 'gen', text: 'Once ' },
      { type: 'node-token', nodeId: 'gen', text: 'upon' },
      {
        type: 'node-end',
        nodeId: 'gen',
        outputs: { text: 'Once upon' },
        durationMs: 12,
        attempts: 1,
        usage: { inputTokens: 2, outputTokens: 2 },
      },
      { type: 'node-skip', nodeId: 'other', reason: 'branch not taken' },
      { type: 'node-start', nodeId: 'item', nodeType: 'input', attempt: 1, inputs: {}, scope: 'each[0]' },
      { type: 'run-end', status: 'succeeded', outputs: { story: 'Once upon' }, durationMs: 20 },
    );
    let view = startedRun('r', ['gen', 'other', 'out']);
    const middle = log.slice(0, 4).reduce(applyRunEvent, view);
    expect(middle.nodes.gen).toMatchObject({ status: 'running', text: 'Once upon', inputs: { prompt: 'x' } });
    view = log.reduce(applyRunEvent, view);
    expect(view.status).toBe('succeeded');
    expect(view.outputs).toEqual({ story: 'Once upon' });
    expect(view.nodes.gen).toMatchObject({
      status: 'done',
      outputs: { text: 'Once upon' },
      usage: { outputTokens: 2 },
    });
    expect(view.nodes.other).toMatchObject({ status: 'skipped', skipReason: 'branch not taken' });
    expect(view.nodes.out!.status).toBe('queued');
    expect(view.nodes.item).toBeUndefined();
    expect(view.lastSeq).toBe(8);
  });

  it('keeps a retrying node running, shows a final error, and ignores events it already has', () => {
    const log = events(
      { type: 'node-start', nodeId: 'gen', nodeType: 'llm', attempt: 1, inputs: {} },
      { type: 'node-token', nodeId: 'gen', text: 'half' },
      {
        type: 'node-error',
        nodeId: 'gen',
        attempt: 1,
        error: { code: 'timeout', message: 'slow' },
        willRetry: true,
        durationMs: 5,
      },
      { type: 'node-start', nodeId: 'gen', nodeType: 'llm', attempt: 2, inputs: {} },
      {
        type: 'node-error',
        nodeId: 'gen',
        attempt: 2,
        error: { code: 'timeout', message: 'slow again' },
        willRetry: false,
        durationMs: 5,
      },
      {
        type: 'run-end',
        status: 'failed',
        outputs: {},
        durationMs: 12,
        error: { code: 'timeout', message: 'slow again', nodeId: 'gen' },
      },
    );
    const retrying = log.slice(0, 3).reduce(applyRunEvent, startedRun('r', ['gen']));
    expect(retrying.nodes.gen).toMatchObject({ status: 'running', error: { message: 'slow' } });
    const view = log.reduce(applyRunEvent, startedRun('r', ['gen']));
    expect(view.nodes.gen).toMatchObject({ status: 'error', attempts: 2, text: '', error: { message: 'slow again' } });
    expect(view.error).toMatchObject({ nodeId: 'gen' });
    expect(applyRunEvent(view, log[1]!)).toBe(view);
  });
});
