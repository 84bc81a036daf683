import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../schema/events.js';
import type { RetryPolicy } from '../schema/flow.js';
import { type CompactFlowSpec, compileSpec } from '../testing/flow-builder.js';
import { ScriptedModel } from '../testing/scripted-model.js';
import { runFlow } from './run-flow.js';
import { RunRequestError } from './run-request.js';

type Node = [string, string, Record<string, unknown>?];

/** `width` parallel llm branches on one question, joined by a collect:  q ──▶ p ──▶ llm0..llmN ──▶ all ──▶ answers */
function fanOut(width: number, llmConfig: Record<string, unknown> = {}): CompactFlowSpec {
  const branches = Array.from({ length: width }, (_, i) => `llm${i}`);
  return {
    inputs: { q: 'text' },
    outputs: { answers: 'list<text>' },
    nodes: [
      ['q', 'input', { name: 'q' }],
      ['p', 'prompt', { template: 'Q: {{ q }}' }],
      ...branches.map((id): Node => [id, 'llm', llmConfig]),
      ['all', 'collect', { ports: branches }],
      ['answers', 'output', { name: 'answers' }],
    ],
    edges: [
      'q.value -> p.q',
      ...branches.flatMap((id) => [`p.prompt -> ${id}.prompt`, `${id}.text -> all.${id}`]),
      'all.list -> answers.value',
    ],
  };
}

function recorder() {
  const events: RunEvent[] = [];
  return { events, onEvent: (event: RunEvent) => events.push(event) };
}

describe('runFlow scheduling', () => {
  it('runs independent nodes concurrently, up to the concurrency limit', async () => {
    const flow = compileSpec(fanOut(6));
    const limited = new ScriptedModel('m', () => 'a b c', { pieceDelayMs: 5 });
    const result = await runFlow(flow, { inputs: { q: 'x' }, models: limited, concurrency: 3 });
    expect(result.status).toBe('succeeded');
    expect(result.outputs.answers).toEqual(Array(6).fill('a b c'));
    expect(limited.maxConcurrent).toBe(3);

    const open = new ScriptedModel('m', () => 'a b c', { pieceDelayMs: 5 });
    await runFlow(flow, { inputs: { q: 'x' }, models: open });
    expect(open.maxConcurrent).toBe(6);
  });

  //   q ──▶ fast ──▶ after_fast
  //   q ──▶ slow
  it('starts a node as soon as its own inputs are ready, not when a whole level is done', async () => {
    const flow = compileSpec({
      inputs: { q: 'text' },
      nodes: [
        ['q', 'input', { name: 'q' }],
        ['fast', 'llm', {}],
        ['slow', 'llm', {}],
        ['after_fast', 'transform', { expression: 'text | upper' }],
      ],
      edges: ['q.value -> fast.prompt', 'q.value -> slow.prompt', 'fast.text -> after_fast.text'],
    });
    const model = new ScriptedModel('m', (_request, call) => (call === 0 ? 'quick' : 'one two three four five six'), {
      pieceDelayMs: 5,
    });
    const { events, onEvent } = recorder();
    await runFlow(flow, { inputs: { q: 'x' }, models: model, onEvent });
    const position = (type: string, nodeId: string) =>
      events.findIndex((e) => e.type === type && 'nodeId' in e && e.nodeId === nodeId);
    expect(position('node-start', 'after_fast')).toBeGreaterThan(0);
    expect(position('node-start', 'after_fast')).toBeLessThan(position('node-end', 'slow'));
  });

  it('keeps a deep synchronous chain off the call stack', async () => {
    const length = 5_000;
    const flow = compileSpec({
      inputs: { x: 'number' },
      outputs: { y: 'number' },
      nodes: [
        ['x', 'input', { name: 'x' }],
        ...Array.from({ length }, (_, i): Node => [`n${i}`, 'transform', { expression: 'v + 1', type: 'number' }]),
        ['y', 'output', { name: 'y' }],
      ],
      edges: [
        'x.value -> n0.v',
        ...Array.from({ length: length - 1 }, (_, i) => `n${i}.value -> n${i + 1}.v`),
        `n${length - 1}.value -> y.value`,
      ],
    });
    const result = await runFlow(flow, { inputs: { x: 0 } });
    expect(result.outputs.y).toBe(length);
  });
});

describe('runFlow timeouts, retries and failures', () => {
  const single = (node: { timeoutMs?: number; retry?: RetryPolicy } = {}): CompactFlowSpec => ({
    inputs: { q: 'text' },
    outputs: { a: 'text' },
    nodes: [
      ['q', 'input', { name: 'q' }],
      { id: 'gen', type: 'llm', config: {}, ...node },
      ['a', 'output', { name: 'a' }],
    ],
    edges: ['q.value -> gen.prompt', 'gen.text -> a.value'],
  });

  it('fails a node that runs past its timeout and aborts its work', async () => {
    const model = new ScriptedModel('m', () => 'one two three four five six seven eight', { pieceDelayMs: 20 });
    const { events, onEvent } = recorder();
    const result = await runFlow(compileSpec(single({ timeoutMs: 50 })), {
      inputs: { q: 'x' },
      models: model,
      onEvent,
    });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'timeout', nodeId: 'gen' });
    expect(result.error!.message).toContain('50 ms');
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(model.calls[0]!.outcome).toBe('aborted');
    expect(model.calls[0]!.streamed.length).toBeLessThan(8);
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'failed' });
  });

  it('retries with backoff and succeeds', async () => {
    const model = new ScriptedModel('m', (_request, call) =>
      call < 2 ? { text: '', error: new Error(`flaky ${call}`) } : 'fine',
    );
    const { events, onEvent } = recorder();
    const result = await runFlow(compileSpec(single({ retry: { maxAttempts: 3, backoffMs: 20, factor: 2 } })), {
      inputs: { q: 'x' },
      models: model,
      onEvent,
    });
    expect(result.status).toBe('succeeded');
    expect(result.outputs.a).toBe('fine');
    const genEvents = events.filter((e) => 'nodeId' in e && e.nodeId === 'gen' && e.type !== 'node-token');
    expect(genEvents.map((e) => e.type)).toEqual([
      'node-start',
      'node-error',
      'node-start',
      'node-error',
      'node-start',
      'node-end',
    ]);
    expect(
      genEvents
        .filter((e) => e.type === 'node-error')
        .map((e) => e.type === 'node-error' && [e.attempt, e.willRetry, e.error.message]),
    ).toEqual([
      [1, true, 'flaky 0'],
      [2, true, 'flaky 1'],
    ]);
    expect(genEvents.at(-1)).toMatchObject({ type: 'node-end', attempts: 3 });
    // The second wait is twice the first (factor 2).
    expect(genEvents[2]!.time - genEvents[1]!.time).toBeGreaterThanOrEqual(19);
    expect(genEvents[4]!.time - genEvents[3]!.time).toBeGreaterThanOrEqual(39);
  });

  it('gives up after maxAttempts and does not retry errors that cannot succeed', async () => {
    const failing = new ScriptedModel('m', () => ({ text: '', error: new Error('down') }));
    const result = await runFlow(compileSpec(single({ retry: { maxAttempts: 2, backoffMs: 1 } })), {
      inputs: { q: 'x' },
      models: failing,
    });
    expect(result.error).toMatchObject({ code: 'node-failed', message: 'down', nodeId: 'gen' });
    expect(failing.calls).toHaveLength(2);

    const { events, onEvent } = recorder();
    const noModel = await runFlow(compileSpec(single({ retry: { maxAttempts: 5, backoffMs: 1 } })), {
      inputs: { q: 'x' },
      onEvent,
    });
    expect(noModel.error).toMatchObject({ code: 'no-model-backend', nodeId: 'gen' });
    expect(events.filter((e) => e.type === 'node-start' && e.nodeId === 'gen')).toHaveLength(1);
  });

  it('stops the other branches when one fails for good', async () => {
    const model = new ScriptedModel(
      'm',
      // The first call streams one piece before failing, so the others are surely in flight when it fails (an
      // immediate failure could end the run before a busy machine started them).
      (_request, call) => (call === 0 ? { text: 'a ', error: new Error('boom') } : 'a b c d e f g h i j'),
      {
        pieceDelayMs: 10,
      },
    );
    const { events, onEvent } = recorder();
    const result = await runFlow(compileSpec(fanOut(3)), { inputs: { q: 'x' }, models: model, onEvent });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ nodeId: 'llm0', message: 'boom' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(model.calls.slice(1).map((call) => call.outcome)).toEqual(['aborted', 'aborted']);
    const stopped = events.filter((e) => e.type === 'node-error' && e.error.code === 'cancelled');
    expect(stopped.map((e) => 'nodeId' in e && e.nodeId).sort()).toEqual(['llm1', 'llm2']);
    expect(events.some((e) => e.type === 'node-start' && e.nodeId === 'all')).toBe(false);
  });

  it('fails a node whose input does not match its port type at run time', async () => {
    //   x ──▶ parse (transform → json) ──▶ n (transform, needs number via json→number check)
    const flow = compileSpec({
      inputs: { x: 'text' },
      outputs: { y: 'number' },
      nodes: [
        ['x', 'input', { name: 'x' }],
        ['parse', 'transform', { expression: 'x' }],
        ['y', 'output', { name: 'y' }],
      ],
      edges: ['x.value -> parse.x', 'parse.value -> y.value'],
    });
    const result = await runFlow(flow, { inputs: { x: 'not a number' } });
    expect(result.error).toMatchObject({ code: 'input-type', nodeId: 'y' });
    expect(result.error!.message).toBe('input "value" (from parse.value): expected a number, got text "not a number"');
  });
});

describe('runFlow cancellation', () => {
  it('stops in-flight generation within a token and ends the run cancelled', async () => {
    const model = new ScriptedModel('m', () => Array.from({ length: 50 }, (_, i) => `t${i} `).join(''), {
      pieceDelayMs: 10,
    });
    const controller = new AbortController();
    const { events, onEvent } = recorder();
    const pending = runFlow(compileSpec(fanOut(2)), {
      inputs: { q: 'x' },
      models: model,
      signal: controller.signal,
      onEvent: (event) => {
        onEvent(event);
        if (event.type === 'node-token' && event.nodeId === 'llm0' && event.text === 't2 ') controller.abort();
      },
    });
    const result = await pending;
    expect(result.status).toBe('cancelled');
    expect(result.error).toMatchObject({ code: 'cancelled' });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(model.calls.map((call) => call.outcome)).toEqual(['aborted', 'aborted']);
    // At most the token already on its way when the abort came.
    expect(model.calls[0]!.streamed.length).toBeLessThanOrEqual(4);
    const end = events.findIndex((e) => e.type === 'run-end');
    expect(end).toBe(events.length - 1);
    expect(events.filter((e) => e.type === 'node-error').map((e) => e.type === 'node-error' && e.error.code)).toEqual([
      'cancelled',
      'cancelled',
    ]);
  });

  it('cancels the map items in flight', async () => {
    //   items ──▶ each (map: item ──▶ gen ──▶ out) ──▶ answers
    const flow = compileSpec({
      inputs: { items: 'list<text>' },
      outputs: { answers: 'list<text>' },
      nodes: [
        ['items', 'input', { name: 'items' }],
        [
          'each',
          'map',
          {
            concurrency: 4,
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
        ['answers', 'output', { name: 'answers' }],
      ],
      edges: ['items.value -> each.items', 'each.out -> answers.value'],
    });
    const model = new ScriptedModel('m', () => 'a b c d e f g h i j k l', { pieceDelayMs: 10 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 35);
    const result = await runFlow(flow, {
      inputs: { items: ['1', '2', '3', '4', '5', '6'] },
      models: model,
      signal: controller.signal,
    });
    expect(result.status).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(model.calls).toHaveLength(4);
    expect(model.calls.every((call) => call.outcome === 'aborted')).toBe(true);
  });

  it('ends at once when the signal is already aborted', async () => {
    const model = new ScriptedModel('m', () => 'never');
    const { events, onEvent } = recorder();
    const result = await runFlow(compileSpec(fanOut(2)), {
      inputs: { q: 'x' },
      models: model,
      signal: AbortSignal.abort(),
      onEvent,
    });
    expect(result.status).toBe('cancelled');
    expect(model.calls).toHaveLength(0);
    expect(events.map((e) => e.type)).toEqual(['run-start', 'run-end']);
  });
});

describe('runFlow events and requests', () => {
  it('emits typed events with increasing sequence numbers, inputs, outputs and timings', async () => {
    const model = new ScriptedModel('m', () => 'hello there');
    const { events, onEvent } = recorder();
    const result = await runFlow(compileSpec(fanOut(1)), {
      inputs: { q: 'why' },
      models: model,
      onEvent,
      runId: 'run-1',
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => e.runId === 'run-1')).toBe(true);
    expect(events[0]).toMatchObject({ type: 'run-start', flow: 'test', inputs: { q: 'why' }, variants: {} });
    expect(events.find((e) => e.type === 'node-start' && e.nodeId === 'llm0')).toMatchObject({
      nodeType: 'llm',
      attempt: 1,
      inputs: { prompt: 'Q: why' },
    });
    expect(events.filter((e) => e.type === 'node-token').map((e) => e.type === 'node-token' && e.text)).toEqual([
      'hello ',
      'there',
    ]);
    const end = events.find((e) => e.type === 'node-end' && e.nodeId === 'llm0');
    expect(end).toMatchObject({
      outputs: { text: 'hello there' },
      attempts: 1,
      usage: { inputTokens: 2, outputTokens: 2 },
    });
    expect(end?.type === 'node-end' && end.durationMs).toBeGreaterThanOrEqual(0);
    expect(events.at(-1)).toMatchObject({
      type: 'run-end',
      status: 'succeeded',
      outputs: { answers: ['hello there'] },
    });
    expect(result).toMatchObject({ runId: 'run-1', status: 'succeeded', outputs: { answers: ['hello there'] } });
  });

  it('survives a listener that throws', async () => {
    const original = console.error;
    const logged: unknown[] = [];
    console.error = (...args: unknown[]) => logged.push(args[0]);
    try {
      const result = await runFlow(compileSpec(fanOut(1)), {
        inputs: { q: 'x' },
        models: new ScriptedModel('m', () => 'ok'),
        onEvent: (event) => {
          if (event.type === 'node-start') throw new Error('listener bug');
        },
      });
      expect(result.outputs.answers).toEqual(['ok']);
      expect(logged.length).toBeGreaterThan(0);
    } finally {
      console.error = original;
    }
  });

  it('refuses a bad request before running anything, naming every field', async () => {
    const flow = compileSpec({
      inputs: { q: 'text', n: { type: 'number', default: 2 } },
      nodes: [
        ['q', 'input', { name: 'q' }],
        ['n', 'input', { name: 'n' }],
        { id: 'p', type: 'prompt', config: {}, variants: [{ name: 'a', config: { template: '{{ q }}{{ n }}' } }] },
      ],
      edges: ['q.value -> p.q', 'n.value -> p.n'],
    });
    const { events, onEvent } = recorder();
    const error = await runFlow(flow, {
      inputs: { n: 'two', extra: 1 },
      variants: { p: 'b', nope: 'a' },
      onEvent,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunRequestError);
    expect((error as RunRequestError).problems).toEqual([
      { field: 'inputs.extra', message: 'the flow has no input "extra" (inputs: q, n)' },
      { field: 'inputs.q', message: 'is required (text)' },
      { field: 'inputs.n', message: 'expected a number, got text "two"' },
      { field: 'variants.p', message: 'node "p" has no variant "b" (variants: a)' },
      { field: 'variants.nope', message: 'the flow has no node "nope"' },
    ]);
    expect(events).toEqual([]);
  });
});

describe('runFlow value conversions', () => {
  //   numbers (list<number>) ──▶ labels (output list<text>)
  it('converts list items across an edge from list<number> to list<text>', async () => {
    const flow = compileSpec({
      inputs: { numbers: 'list<number>' },
      outputs: { labels: 'list<text>' },
      nodes: [
        ['numbers', 'input', { name: 'numbers' }],
        ['labels', 'output', { name: 'labels' }],
      ],
      edges: ['numbers.value -> labels.value'],
    });
    const result = await runFlow(flow, { inputs: { numbers: [1, 2.5, -3] } });
    expect(result.outputs.labels).toEqual(['1', '2.5', '-3']);
  });
});

describe('runFlow retries around sub-flows', () => {
  //   items ──▶ each (map, retry ×3: item ──▶ step ──▶ out) ──▶ results
  const mapFlow = (step: Record<string, unknown>) =>
    compileSpec({
      inputs: { items: 'list<text>' },
      outputs: { results: 'list<text>' },
      nodes: [
        ['items', 'input', { name: 'items' }],
        {
          id: 'each',
          type: 'map',
          retry: { maxAttempts: 3, backoffMs: 1 },
          config: {
            flow: {
              inputs: { item: { type: 'text' } },
              outputs: { out: { type: 'text' } },
              nodes: [
                { id: 'item', type: 'input', config: { name: 'item' } },
                { id: 'step', ...step },
                { id: 'out', type: 'output', config: { name: 'out' } },
              ],
              edges: [
                { from: 'item.value', to: `step.${step.type === 'llm' ? 'prompt' : 'item'}` },
                { from: `step.${step.type === 'llm' ? 'text' : 'value'}`, to: 'out.value' },
              ],
            },
          },
        },
        ['results', 'output', { name: 'results' }],
      ],
      edges: ['items.value -> each.items', 'each.out -> results.value'],
    });

  it('retries the map when an item failed in a way another try could fix', async () => {
    const model = new ScriptedModel('m', (_request, call) =>
      call === 0 ? { text: '', error: new Error('busy') } : 'ok',
    );
    const { events, onEvent } = recorder();
    const result = await runFlow(mapFlow({ type: 'llm', config: {} }), {
      inputs: { items: ['a'] },
      models: model,
      onEvent,
    });
    expect(result.outputs.results).toEqual(['ok']);
    expect(events.filter((e) => e.type === 'node-start' && e.nodeId === 'each')).toHaveLength(2);
  });

  it('does not retry the map when an item failed in a way that cannot change (a template error)', async () => {
    const { events, onEvent } = recorder();
    const result = await runFlow(
      mapFlow({ type: 'transform', config: { expression: 'item.missing()', type: 'text' } }),
      {
        inputs: { items: ['not a number'] },
        onEvent,
      },
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({
      nodeId: 'each',
      code: 'template-error',
      message: expect.stringMatching(/^each\[0\]: /),
    });
    expect(events.filter((e) => e.type === 'node-start' && e.nodeId === 'each')).toHaveLength(1);
  });
});
