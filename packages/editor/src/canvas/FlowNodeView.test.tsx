// @vitest-environment jsdom
import './test-setup.js';
import type { RunEvent } from '@groundwork/runtime/schema';
import { buildFlow } from '@groundwork/runtime/testing';
import { act, render, screen, within } from '@testing-library/react';
import { ReactFlowProvider } from '@xyflow/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { toReactFlow } from '../graph/to-react-flow.js';
import { useEditor } from '../state/editor-store.js';
import { useRun } from '../state/run-store.js';
import { Canvas } from './Canvas.js';

//   q (text) ──▶ p (prompt "Answer: {{ q }}") ──▶ gen (llm, variants fast/careful) ──▶ a (output)
//                                                  gen.nope (an edge to a port llm does not have) ◀── q.value
//   lonely (llm, nothing connected: "prompt is required")
const flow = buildFlow({
  inputs: { q: 'text' },
  outputs: { a: 'text' },
  nodes: [
    { id: 'q', type: 'input', config: { name: 'q' }, position: { x: 0, y: 0 } },
    { id: 'p', type: 'prompt', config: { template: 'Answer: {{ q }}\nBe brief.' }, position: { x: 300, y: 0 } },
    {
      id: 'gen',
      type: 'llm',
      config: { maxTokens: 64, temperature: 0 },
      variants: [
        { name: 'fast', config: {} },
        { name: 'careful', config: { model: 'phi-3', temperature: 0.7 } },
      ],
      defaultVariant: 'careful',
      position: { x: 600, y: 0 },
    },
    { id: 'a', type: 'output', config: { name: 'a' }, position: { x: 900, y: 0 } },
    { id: 'lonely', type: 'llm', config: {}, position: { x: 600, y: 300 } },
  ],
  edges: ['q.value -> p.q', 'p.prompt -> gen.prompt', 'gen.text -> a.value', 'q.value -> gen.nope'],
});

let seq = 0;
type Body = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'time' | 'seq'> : never) : never;
const emit = (body: Body) =>
  act(() => useRun.getState().apply({ ...body, runId: 'run_1', seq: ++seq, time: 0 } as RunEvent));

function renderCanvas() {
  return render(
    <ReactFlowProvider>
      <Canvas />
    </ReactFlowProvider>,
  );
}

/** React Flow's handle element for a port, as the browser tests find it. */
const handleOf = (nodeId: string, port: string, side: 'source' | 'target') =>
  screen
    .getByTestId(`rf__node-${nodeId}`)
    .querySelector<HTMLElement>(`.react-flow__handle.${side}[data-handleid="${port}"]`);

beforeEach(() => {
  seq = 0;
  useRun.getState().show(undefined);
  useEditor.getState().load(flow);
});

describe('a node on the canvas', () => {
  it('has a handle per port: inputs on the left, outputs on the right, in the port type’s colour', () => {
    renderCanvas();
    const input = handleOf('p', 'q', 'target')!;
    expect(input.dataset.handlepos).toBe('left');
    const output = handleOf('p', 'prompt', 'source')!;
    expect(output.dataset.handlepos).toBe('right');
    expect(output.dataset.portType).toBe('text');
    expect(output.style.getPropertyValue('--port-color')).toBe('#2f7ed8');
    expect(output.title).toContain('prompt: text');
    const genInput = handleOf('gen', 'prompt', 'target')!;
    expect(genInput.dataset.portType).toBe('text | messages');
    // Every handle React Flow knows about is drawn: one per port of every node.
    const ports = toReactFlow(flow).nodes.reduce(
      (sum, node) => sum + node.data.inputs.length + node.data.outputs.length,
      0,
    );
    expect(document.querySelectorAll('.react-flow__handle')).toHaveLength(ports);
  });

  it('marks required inputs, and ports the node does not have', () => {
    renderCanvas();
    const required = screen.getByTestId('port-gen-input-prompt');
    expect(required.classList.contains('port-required')).toBe(true);
    expect(within(required).getByTitle('required').textContent).toBe('*');
    expect(screen.getByTestId('port-p-output-prompt').querySelector('.port-required-mark')).toBeNull();
    const unknown = screen.getByTestId('port-gen-input-nope');
    expect(unknown.classList.contains('port-unknown')).toBe(true);
    expect(unknown.title).toContain('this node has no input "nope"');
  });

  it('shows its title and id, and what its config says', () => {
    renderCanvas();
    const prompt = screen.getByTestId('node-p');
    expect(prompt.querySelector('.flow-node-title')!.textContent).toBe('Prompt');
    expect(prompt.querySelector('.flow-node-id')!.textContent).toBe('p');
    expect(prompt.querySelector('.flow-node-summary')!.textContent).toBe('Answer: {{ q }}');
    // The llm summary is the default variant's (careful) effective config.
    expect(screen.getByTestId('node-gen').querySelector('.flow-node-summary')!.textContent).toBe(
      'carefulphi-3 · 64 tokens · temp 0.7',
    );
    expect(screen.getByTestId('node-lonely').querySelector('.flow-node-summary')!.textContent).toBe(
      'default model · 256 tokens · temp 0',
    );
  });

  it('shows its problems in a badge and outlines the node', () => {
    renderCanvas();
    const expected = toReactFlow(flow).nodes.find((node) => node.id === 'lonely')!.data.problems;
    expect(expected.length).toBeGreaterThan(0);
    const node = screen.getByTestId('node-lonely');
    expect(node.dataset.problems).toBe(String(expected.length));
    expect(node.classList.contains('has-problems')).toBe(true);
    const badge = screen.getByTestId('node-problems-lonely');
    for (const problem of expected) expect(badge.title).toContain(problem.message);
    expect(screen.getByTestId('node-p').dataset.problems).toBeUndefined();
    expect(screen.queryByTestId('node-problems-p')).toBeNull();
  });

  it('shows an edge’s problems as its hover text', () => {
    renderCanvas();
    const marker = screen.getByTestId('edge-problem-q.value->gen.nope');
    expect(marker.title).toContain('has no input "nope"');
    expect(screen.getByTestId('edge-q.value->gen.nope').querySelector('title')!.textContent).toBe(marker.title);
    expect(screen.queryByTestId('edge-problem-q.value->p.q')).toBeNull();
  });

  it('follows a run: status, streamed text (its tail), errors and skips', () => {
    renderCanvas();
    expect(screen.getByTestId('node-gen').dataset.status).toBeUndefined();
    act(() => useRun.getState().begin('run_1', ['q', 'p', 'gen', 'a', 'lonely']));
    expect(screen.getByTestId('node-gen').dataset.status).toBe('queued');
    expect(screen.getByTestId('node-status-gen').textContent).toBe('queued');

    emit({ type: 'node-start', nodeId: 'gen', nodeType: 'llm', attempt: 1, inputs: { prompt: 'x' } });
    expect(screen.getByTestId('node-gen').dataset.status).toBe('running');
    emit({ type: 'node-token', nodeId: 'gen', text: 'Once upon' });
    expect(screen.getByTestId('node-text-gen').textContent).toBe('Once upon');
    const long = 'x'.repeat(300);
    emit({ type: 'node-token', nodeId: 'gen', text: `${long}THE END` });
    const shown = screen.getByTestId('node-text-gen').textContent!;
    expect(shown.endsWith('THE END')).toBe(true);
    expect(shown).not.toContain('Once');
    expect(shown.length).toBeLessThanOrEqual(201);
    emit({ type: 'node-end', nodeId: 'gen', outputs: { text: 'done' }, durationMs: 1500, attempts: 1 });
    expect(screen.getByTestId('node-gen').dataset.status).toBe('done');
    expect(screen.getByTestId('node-status-gen').textContent).toBe('done · 1.5 s');

    emit({
      type: 'node-error',
      nodeId: 'lonely',
      attempt: 1,
      error: { code: 'no-model-backend', message: 'no model backend is available' },
      willRetry: false,
      durationMs: 3,
    });
    expect(screen.getByTestId('node-lonely').dataset.status).toBe('error');
    expect(screen.getByTestId('node-error-lonely').textContent).toBe('no model backend is available');

    emit({ type: 'node-skip', nodeId: 'a', reason: 'none of its inputs has a value' });
    expect(screen.getByTestId('node-a').dataset.status).toBe('skipped');
    expect(screen.getByTestId('node-skip-a').textContent).toBe('skipped: none of its inputs has a value');
    expect(screen.queryByTestId('node-text-a')).toBeNull();
  });
});
