import type { RunEvent } from '@groundwork/runtime';
import { buildFlow } from '@groundwork/runtime/testing';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Database, openDatabase } from '../db/connection.js';
import { FlowsRepository } from '../flows/flows.repository.js';
import { RecordWriter, RunRecorder } from './run-recorder.js';
import { RunsRepository } from './runs.repository.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

let db: Database;
let repository: RunsRepository;
let writer: RecordWriter;
const errors: unknown[] = [];

beforeEach(() => {
  vi.useFakeTimers();
  db = openDatabase(':memory:');
  repository = new RunsRepository(db);
  const log = pino({ level: 'silent' });
  vi.spyOn(log, 'error').mockImplementation(((entry: unknown) => errors.push(entry)) as never);
  writer = new RecordWriter(repository, log, 50);
});
afterEach(() => {
  vi.useRealTimers();
  db.close();
  errors.length = 0;
});

function newRun(id: string): {
  record(body: DistributiveOmit<RunEvent, 'runId' | 'seq' | 'time'>): Promise<void> | undefined;
} {
  const flows = new FlowsRepository(db);
  const flow = flows.find('f') ?? flows.create(buildFlow({ name: 'f', nodes: [['a', 'transform', {}]] }), undefined);
  const flowId = 'flowId' in flow ? flow.flowId : flow.id;
  repository.insertRun({
    id,
    flowId,
    flowVersion: 1,
    source: 'api',
    inputs: {},
    variants: {},
    seed: 1,
    createdAt: 'now',
  });
  const recorder = new RunRecorder(id, writer);
  let seq = 0;
  return {
    record(body) {
      const event = { ...body, runId: id, seq: ++seq, time: Date.now() } as RunEvent;
      return recorder.record(event, { seq: event.seq, type: event.type, data: JSON.stringify(event) });
    },
  };
}

const stored = (runId: string) => repository.events(runId, 0).length;
const node = (runId: string, nodeId: string) => repository.get(runId)!.nodes.find((record) => record.nodeId === nodeId);

describe('RunRecorder and RecordWriter', () => {
  it('writes token events once per interval, node ends within a turn, and the end in the next turn with the status', async () => {
    const run = newRun('run_1');
    run.record({ type: 'node-start', nodeId: 'gen', nodeType: 'llm', attempt: 1, inputs: { prompt: 'p' } });
    for (let i = 0; i < 30; i++) run.record({ type: 'node-token', nodeId: 'gen', text: `t${i}` });
    expect(stored('run_1')).toBe(0);
    vi.advanceTimersByTime(49);
    expect(stored('run_1')).toBe(0);
    vi.advanceTimersByTime(1);
    expect(stored('run_1')).toBe(31);
    expect(node('run_1', 'gen')).toMatchObject({ status: 'running', inputs: { prompt: 'p' }, attempts: 1 });

    run.record({ type: 'node-token', nodeId: 'gen', text: 'last' });
    run.record({
      type: 'node-end',
      nodeId: 'gen',
      outputs: { text: 'x' },
      durationMs: 12,
      attempts: 1,
      usage: { inputTokens: 3, outputTokens: 31 },
    });
    expect(stored('run_1')).toBe(31);
    vi.advanceTimersByTime(1);
    expect(stored('run_1')).toBe(33);
    expect(node('run_1', 'gen')).toMatchObject({
      status: 'succeeded',
      inputTokens: 3,
      outputTokens: 31,
      durationMs: 12,
    });

    run.record({ type: 'node-skip', nodeId: 'other', reason: 'input "x" has no value' });
    const ended = run.record({ type: 'run-end', status: 'succeeded', outputs: { answer: 'x' }, durationMs: 20 });
    // Runs ending in the same turn are committed together in the next one; the run counts as ended only then.
    let written = false;
    void ended!.then(() => {
      written = true;
    });
    await Promise.resolve();
    expect(written).toBe(false);
    expect(stored('run_1')).toBe(33);
    vi.advanceTimersToNextTimer();
    await ended;
    expect(written).toBe(true);
    expect(stored('run_1')).toBe(35);
    expect(repository.get('run_1')).toMatchObject({ status: 'succeeded', outputs: { answer: 'x' }, durationMs: 20 });
    expect(node('run_1', 'other')).toMatchObject({ status: 'skipped', skipReason: 'input "x" has no value' });
  });

  it('keeps node records through retries, cancellations and a run that stops under a running node', async () => {
    const run = newRun('run_1');
    const start = (nodeId: string, attempt = 1) =>
      run.record({ type: 'node-start', nodeId, nodeType: 'llm', attempt, inputs: {} });
    start('flaky');
    run.record({
      type: 'node-error',
      nodeId: 'flaky',
      attempt: 1,
      error: { code: 'timeout', message: 'slow' },
      willRetry: true,
      durationMs: 5,
    });
    start('flaky', 2);
    start('stopped');
    start('silent', 1);
    run.record({
      type: 'node-error',
      nodeId: 'stopped',
      attempt: 1,
      error: { code: 'cancelled', message: 'the run was cancelled' },
      willRetry: false,
      durationMs: 5,
    });
    vi.advanceTimersByTime(50);
    expect(node('run_1', 'flaky')).toMatchObject({ status: 'running', attempts: 2, error: { code: 'timeout' } });
    expect(node('run_1', 'stopped')).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
    run.record({
      type: 'node-error',
      nodeId: 'flaky',
      attempt: 2,
      error: { code: 'timeout', message: 'slow again' },
      willRetry: false,
      durationMs: 5,
    });
    const ended = run.record({
      type: 'run-end',
      status: 'failed',
      outputs: {},
      durationMs: 30,
      error: { code: 'timeout', message: 'slow again', nodeId: 'flaky' },
    });
    vi.advanceTimersToNextTimer();
    await ended;
    expect(node('run_1', 'flaky')).toMatchObject({ status: 'failed', attempts: 2, error: { message: 'slow again' } });
    expect(node('run_1', 'silent')).toMatchObject({ status: 'cancelled', endedAt: expect.any(String) });
    expect(repository.get('run_1')).toMatchObject({ status: 'failed', error: { nodeId: 'flaky' } });
  });

  it("writes the other runs' records when one run's write fails, and stops recording that one", async () => {
    const kept = newRun('run_kept');
    const gone = newRun('run_gone');
    db.prepare("DELETE FROM runs WHERE id = 'run_gone'").run();
    kept.record({ type: 'node-token', nodeId: 'gen', text: 'a' });
    gone.record({ type: 'node-token', nodeId: 'gen', text: 'a' });
    vi.advanceTimersByTime(50);
    expect(stored('run_kept')).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ runId: 'run_gone' });
    const endings = [
      gone.record({ type: 'run-end', status: 'succeeded', outputs: {}, durationMs: 1 }),
      kept.record({ type: 'run-end', status: 'succeeded', outputs: {}, durationMs: 1 }),
    ];
    vi.advanceTimersToNextTimer();
    await Promise.all(endings);
    expect(errors).toHaveLength(1);
    expect(repository.get('run_kept')!.status).toBe('succeeded');
  });

  it('commits many runs ending together in shared transactions, each a little at a time', async () => {
    const runs = Array.from({ length: 40 }, (_, i) => newRun(`run_${i}`));
    for (const run of runs)
      for (let i = 0; i < 20; i++) run.record({ type: 'node-token', nodeId: 'gen', text: `t${i}` });
    const commits = vi.spyOn(db, 'transaction');
    const endings = runs.map((run) => run.record({ type: 'run-end', status: 'succeeded', outputs: {}, durationMs: 1 }));
    await vi.runAllTimersAsync();
    await Promise.all(endings);
    for (let i = 0; i < 40; i++) expect(repository.get(`run_${i}`)!.status).toBe('succeeded');
    expect(stored('run_39')).toBe(21);
    // One outer transaction per write (and one savepoint per run inside it), far fewer than one per run.
    const outer = commits.mock.calls.length - 40;
    expect(outer).toBeGreaterThanOrEqual(1);
    expect(outer).toBeLessThan(40);
  });
});
